import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { translate } from '../../platform/i18n/index.js';
import type { StoredValue } from '../requests/service.js';
import { mesRequestPdf, signatureBlocks } from './pdf.js';
import { mesFacts, mesProgram, mesRequestTypes, type MesRequestType } from './program.js';
import type { MesRequestPage, Site } from './service.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-pdf-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const at = new Date('2025-09-15T14:00:00Z');

function value(v: string): StoredValue {
  return { value: v, version: 1, changedAt: at, changedBy: '00000000-0000-4000-8000-000000000009' };
}

function site(kind: Site['serviceKind']): Site {
  return {
    id: '00000000-0000-4000-8000-000000000003',
    kind: kind === 'coordinating_office' ? 'home_provider' : 'installation',
    number: 'INST-1234',
    name: kind === 'coordinating_office' ? 'RSGE Tremblay' : 'Installation des Pins',
    address: '12, rue des Érables',
    municipality: 'Québec',
    postalCode: 'G1R 1A1',
    region: '03',
    directorateCode: '11',
    serviceId: '00000000-0000-4000-8000-000000000004',
    serviceKind: kind,
    serviceName: 'CPE de la Baie',
    permitNumber: 'CPE2001',
    divisionNumber: '3000-2000',
    enterpriseNeq: '1145678901',
    providerNeq: null,
    placesTotal: null,
    placesUnder18Months: null,
    latitude: null,
    longitude: null,
    publicLatitude: null,
    publicLongitude: null,
    contactEmail: null,
    contactPhone: null,
    recognitionStatus: 'active',
    hiddenUntil: null,
  };
}

function fixture(type: MesRequestType, kind: Site['serviceKind']): MesRequestPage {
  const s = site(kind);
  return {
    view: {
      definition: mesProgram,
      request: {
        id: '00000000-0000-4000-8000-000000000001',
        program: 'mes',
        revision: 1,
        number: '2025-11-043',
        enterpriseId: '00000000-0000-4000-8000-000000000002',
        directorateCode: '11',
        state: 'draft',
        creationKey: 'k',
        createdBy: '00000000-0000-4000-8000-000000000009',
        changedAt: at,
        firstSubmittedAt: null,
        lastSubmittedAt: null,
        round: 0,
        createdAt: at,
        updatedAt: at,
      },
      values: new Map([
        ['support.hoursPerDay#0', value('4.5')],
        ['support.daysPerWeek#0', value('5')],
        ['support.plannedDays#0', value('262')],
        ['needs.description#0', value('Besoin d’un accompagnement pour les transitions.')],
      ]),
      documents: [],
      comments: [],
      signature: null,
      transitions: [],
    },
    mes: { requestId: '00000000-0000-4000-8000-000000000001', childId: '00000000-0000-4000-8000-000000000005', installationId: s.id, type, referenceYear: 2025, departureDate: null, createdAt: at, updatedAt: at },
    child: {
      id: '00000000-0000-4000-8000-000000000005',
      nirec: '1234567890',
      necsg: '123456789',
      lastName: 'Côté',
      firstName: 'Éloïse',
      birthDate: '2021-05-14',
      parentName: 'Marie Côté',
      otherParentName: null,
      homeAddress: '45, avenue du Parc, Québec',
      homePostalCode: 'G1R 2B2',
      parentEmail: null,
      homePhone: null,
      mobilePhone: null,
    },
    site: s,
    facts: mesFacts({ type, serviceKind: kind, referenceYear: 2025 }),
    enterprise: { id: '00000000-0000-4000-8000-000000000002', legalName: 'CPE de la Baie', neq: '1145678901', active: true },
    permitted: { edit: true, sign: true },
  };
}

function pdfText(bytes: Uint8Array, name: string): string {
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

const titles = {
  parents: translate('fr', 'mes.pdf.sign.parents'),
  professional: translate('fr', 'mes.pdf.sign.professional'),
  homeProvider: translate('fr', 'mes.pdf.sign.homeProvider'),
};

describe('MES form PDF', () => {
  for (const kind of ['cpe', 'coordinating_office'] as const) {
    for (const type of mesRequestTypes) {
      test(`${type}, ${kind}: the right signature blocks, no other`, async () => {
        const expected = signatureBlocks(type, kind);
        assert.ok(expected.includes('parents'), 'parents always');
        assert.equal(expected.includes('professional'), type !== 'renewal_unchanged');
        assert.equal(expected.includes('homeProvider'), kind === 'coordinating_office');
        const bytes = await mesRequestPdf(fixture(type, kind), 'fr');
        assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-');
        const text = pdfText(bytes, `${type}-${kind}`);
        assert.ok(text.includes('Éloïse Côté'), 'the child’s name');
        assert.ok(text.includes('2025-11-043'), 'the number');
        assert.ok(text.includes(translate('fr', `mes.type.${type}`)), 'the type');
        assert.ok(text.includes('4.5 heures / jour'), 'a field with its unit');
        for (const block of ['parents', 'professional', 'homeProvider'] as const) {
          assert.equal(text.includes(titles[block]), expected.includes(block), block);
        }
      });
    }
  }

  test('in English', async () => {
    const text = pdfText(await mesRequestPdf(fixture('new', 'cpe'), 'en'), 'en');
    assert.ok(text.includes(translate('en', 'mes.pdf.sign.parents')));
    assert.ok(text.includes('hours / day'));
  });
});
