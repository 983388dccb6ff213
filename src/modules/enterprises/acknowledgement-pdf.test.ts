import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { en } from '../../platform/i18n/en.js';
import { fr } from '../../platform/i18n/fr.js';
import { translate, type Lang } from '../../platform/i18n/index.js';
import { toWinAnsi, wrapText } from '../../platform/pdf/text.js';
import { acknowledgementPdf } from './acknowledgement-pdf.js';
import type { RegistryEnterprise } from './registry.js';
import type { DocumentRequirement, EnrollerRole, LegalType } from './rules.js';
import type { Acknowledgement, Enrolment } from './service.js';

const createdAt = new Date('2026-03-15T18:05:00Z');

function enterprise(legalType: LegalType, legalName: string): RegistryEnterprise {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    rqId: '1234567890',
    neq: '1145678901',
    legalName,
    legalType,
    addressLine: '123, rue Saint-Jean',
    municipality: 'Québec',
    postalCode: 'G1R 1N4',
    returnFiled: true,
    mailingAddressOk: true,
    fileInGoodStanding: true,
    officersUpToDate: true,
    assessmentNumberHash: null,
    ownerSinHash: null,
    impotnetCodeHash: null,
    createdAt,
    updatedAt: createdAt,
  };
}

type Fixture = {
  legalType: LegalType;
  role: EnrollerRole;
  legalName: string;
  documents: DocumentRequirement[];
  temporaryPassword: string | null;
};

function acknowledgement(f: Fixture): Acknowledgement {
  const deferred = f.documents.length > 0;
  const enrolment: Enrolment = {
    id: '00000000-0000-4000-8000-000000000002',
    number: 'INS-2026-000042',
    enterpriseId: '00000000-0000-4000-8000-000000000001',
    legalType: f.legalType,
    state: deferred ? 'waiting_documents' : 'active',
    enrollerFirstName: 'Élise',
    enrollerLastName: 'Côté-Bérubé',
    enrollerEmail: 'elise.cote@exemple.com',
    enrollerRole: f.role,
    enrollerFunction: f.role === 'officer' ? 'president' : null,
    enrollerRecognised: f.role === 'officer',
    identifiersGiven: ['rqId'],
    documentsRequired: f.documents,
    consentedAt: createdAt,
    activatedAt: deferred ? null : createdAt,
    refusedAt: null,
    refusalReason: null,
    rseAccountId: '00000000-0000-4000-8000-000000000003',
    createdAt,
    updatedAt: createdAt,
  };
  return { enrolment, enterprise: enterprise(f.legalType, f.legalName), userCode: 'QX7K2M9', temporaryPassword: f.temporaryPassword };
}

const PASSWORD = 'Vb3_kq9ZtR2x-417';

const fixtures: Record<string, Fixture> = {
  activated: { legalType: 'corporation', role: 'officer', legalName: 'Garderie L’Île aux Trésors inc.', documents: [], temporaryPassword: PASSWORD },
  'activated, password already shown': { legalType: 'corporation', role: 'officer', legalName: 'Garderie L’Île aux Trésors inc.', documents: [], temporaryPassword: null },
  'deferred, mandate': {
    legalType: 'sole_proprietor',
    role: 'named_by_proprietor',
    legalName: 'Garderie Les Petits Pas de Marie-Ève Gagnon',
    documents: ['signed_forms', 'mandate'],
    temporaryPassword: PASSWORD,
  },
  'deferred, board resolution': {
    legalType: 'nonprofit',
    role: 'designated_by_resolution',
    // Long enough to wrap in its column.
    legalName: 'Centre de la petite enfance Les Écureuils du Vieux-Québec et de la Haute-Saint-Charles inc.',
    documents: ['signed_forms', 'board_resolution'],
    temporaryPassword: null,
  },
  'deferred, proof of authority': {
    legalType: 'corporation',
    role: 'employee',
    legalName: 'Garderie Éducative Sainte-Foy ltée',
    documents: ['signed_forms', 'proof_of_authority'],
    temporaryPassword: PASSWORD,
  },
};

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ack-pdf-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The text of the PDF as poppler's pdftotext lays it out, whitespace folded. */
function pdfText(bytes: Uint8Array, name: string): string {
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, bytes);
  let text: string;
  try {
    text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } catch (error) {
    throw new Error(`pdftotext (poppler-utils) must be installed to run this test: ${String(error)}`);
  }
  // Wrapped lines of one value or paragraph follow each other: folding whitespace rejoins them.
  return text.replace(/\s+/g, ' ');
}

/** A translated message with its placeholders filled, in one line as pdftotext gives it. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

for (const lang of ['fr', 'en'] as const satisfies readonly Lang[]) {
  describe(`acknowledgement PDF (${lang})`, () => {
    for (const [name, fixture] of Object.entries(fixtures)) {
      test(name, async () => {
        const ack = acknowledgement(fixture);
        const bytes = await acknowledgementPdf(ack, lang);
        assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-');

        const loaded = await PDFDocument.load(bytes, { updateMetadata: false });
        assert.ok(loaded.getPageCount() >= 1 && loaded.getPageCount() <= 2, `${loaded.getPageCount()} pages`);
        const { width, height } = loaded.getPage(0).getSize();
        assert.deepEqual([width, height], [612, 792], 'Letter size');
        assert.match(loaded.getTitle() ?? '', /INS-2026-000042/);
        assert.match(loaded.getSubject() ?? '', /INS-2026-000042/);
        assert.equal(String(loaded.catalog.get(PDFName.of('Lang'))), lang === 'fr' ? '(fr-CA)' : '(en-CA)');

        const text = pdfText(bytes, `${lang}-${name.replace(/\W+/g, '-')}`);
        const t = (key: Parameters<typeof translate>[1], params?: Record<string, string>) => flat(translate(lang, key, params));
        assert.ok(text.includes('Gouvernement du Québec'));
        assert.ok(text.includes(t('ack.title')), 'title');
        assert.ok(text.includes('INS-2026-000042'), 'enrolment number');
        assert.ok(text.includes(fixture.legalName), 'legal name');
        assert.ok(text.includes('1234567890') && text.includes('1145678901'), 'RQ ID and NEQ');
        assert.ok(text.includes(t(`ack.legalType.${fixture.legalType}`)), 'legal type');
        assert.ok(text.includes('Élise Côté-Bérubé'), 'enroller');
        assert.ok(text.includes(t(`ack.role.${fixture.role}`)), 'role');
        assert.ok(text.includes(t(fixture.documents.length > 0 ? 'ack.state.waiting_documents' : 'ack.state.active')), 'state');
        assert.ok(text.includes('QX7K2M9'), 'user code');
        assert.ok(text.includes(`${t('ack.number')} INS-2026-000042`), 'number with its label');
        // The transmission time in Quebec (18:05 UTC is 14:05 in Toronto, daylight time).
        assert.match(text, lang === 'fr' ? /15 mars 2026 à 14 h 05/ : /March 15, 2026 at 2:05 p\.m\./);

        if (fixture.temporaryPassword === null) {
          assert.ok(!text.includes(PASSWORD), 'no password');
          assert.ok(!text.includes(t('ack.temporaryPassword.warning')), 'no warning');
          assert.ok(text.includes(t('ack.temporaryPassword.shown', { link: translate(lang, 'signin.forgot') })), 'shown-once line');
        } else {
          assert.ok(text.includes(PASSWORD), 'password');
          assert.ok(text.includes(t('ack.temporaryPassword.warning')), 'warning');
          assert.ok(!text.includes(t('ack.temporaryPassword.shown', { link: translate(lang, 'signin.forgot') })), 'no shown-once line');
        }

        const deferred = fixture.documents.length > 0;
        assert.ok(text.includes(t(deferred ? 'ack.outcome.deferred' : 'ack.outcome.immediate')), 'outcome');
        assert.equal(text.includes(t('ack.section.documents')), deferred, 'documents section only when deferred');
        for (const document of ['signed_forms', 'mandate', 'board_resolution', 'proof_of_authority'] as const) {
          assert.equal(text.includes(t(`ack.document.${document}`)), fixture.documents.includes(document), document);
          assert.equal(text.includes(t(`ack.document.${document}.detail`)), fixture.documents.includes(document), `${document} detail`);
        }
        assert.ok(text.includes(t('ack.section.next')), 'next steps');
        assert.equal(text.includes(t('ack.next.documents')), deferred, 'the step of sending documents only when deferred');
        assert.ok(text.includes(lang === 'fr' ? 'ministère de la Famille' : 'Ministère de la Famille'), 'ministry');
      });
    }
  });
}

describe('acknowledgement PDF text helpers', () => {
  test('toWinAnsi keeps French and replaces what the standard fonts lack', () => {
    const french = 'É é è à ç ’ « » ô û ï Œ œ … — –';
    assert.equal(toWinAnsi(french), french);
    assert.equal(toWinAnsi('14\u202Fh\u202F05'), '14\u00a0h\u00a005');
    assert.equal(toWinAnsi('≥ 12 ≤ 3 → x‑y'), '>= 12 <= 3 -> x-y');
    // Letters keep the accents WinAnsi has (ễ → ê); a letter with no look-alike becomes '?'.
    assert.equal(toWinAnsi('Nguyễn Đặng\u200b\n'), 'Nguyên ?ang ');
  });

  test('every ack. message draws in Helvetica unchanged, in both languages', async () => {
    const doc = await PDFDocument.create();
    const fonts = [await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold)];
    for (const [lang, catalogue] of Object.entries({ fr, en })) {
      for (const [key, message] of Object.entries(catalogue).filter(([k]) => k.startsWith('ack.'))) {
        assert.equal(toWinAnsi(message), message, `${lang} ${key} has characters WinAnsi lacks`);
        for (const font of fonts) font.encodeText(message);
      }
    }
  });

  test('wrapText keeps lines within the width and loses no word', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const text = `${fr['ack.document.proof_of_authority.detail']} ${'x'.repeat(200)}`;
    const lines = wrapText(text, font, 10, 200);
    assert.ok(lines.length > 5);
    for (const line of lines) assert.ok(font.widthOfTextAtSize(line, 10) <= 200, line);
    assert.equal(lines.join(' ').replace(/x /g, 'x'), text);
    // No-break spaces hold: the time is never split.
    const time = '14\u00a0h\u00a005';
    assert.deepEqual(wrapText(`le 15 mars à ${time}`, font, 10, font.widthOfTextAtSize(time, 10)), ['le 15', 'mars à', time]);
  });
});
