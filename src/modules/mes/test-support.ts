/**
 * Test helpers of the MES module: an enterprise enrolled in the Famille e-services with a childcare
 * service, its sites, children attending them (with or without the AIEH, with a funding history),
 * and users holding MES rights. Built through the services of the modules that own the data.
 */
import { randomInt } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import type { Ctx } from '../../platform/context.js';
import { transaction, type Db } from '../../platform/db/index.js';
import type { TestAccount } from '../../platform/testing/accounts.js';
import { saveRights, transmitEnrolment } from '../access/service.js';
import { recordMesFunding, upsertAttendance, upsertChild, upsertChildcareService, upsertIntegrationAllowance, upsertSite, type ChildcareServiceKind } from '../childcare/service.js';
import { addTestMember, createTestEnterprise, ctxOf, type TestEnterprise } from '../enterprises/members-test-support.js';

export type MesRight = 'consult' | 'enter' | 'sign';

export type MesEnterprise = TestEnterprise & { serviceKind: ChildcareServiceKind; siteIds: string[] };

let serial = 0;
/** A random number of this many digits (first digit not 0). */
function digits(length: number): string {
  serial++;
  return String(randomInt(10 ** (length - 1), 10 ** length - 1));
}

/**
 * An enterprise active in the Famille e-services, holding one childcare service of this kind with
 * `sites` sites (installations, or RSGE for a bureau coordonnateur) in directorate 11.
 */
export async function createMesEnterprise(db: Db, options: { kind?: ChildcareServiceKind; sites?: number } = {}): Promise<MesEnterprise> {
  const kind = options.kind ?? 'cpe';
  const e = await createTestEnterprise(db);
  const permit = `${kind === 'coordinating_office' ? 'BC' : 'CPE'}-${digits(6)}`;
  const service = await transaction(db, (tx) => upsertChildcareService(tx, { permitNumber: permit, kind, name: `Service ${permit}`, enterpriseNeq: e.neq, divisionNumber: `3000-${digits(4)}` }));
  const enrolment = await transmitEnrolment(db, ctxOf(e.rse), { publicUrl: 'http://localhost:3000' }, e.enterpriseId, { ministry: 'famille', ministryNumber: permit, otherInformation: null });
  if (enrolment.state !== 'active') throw new Error('the Famille enrolment is not active');
  const siteIds: string[] = [];
  for (let i = 0; i < (options.sites ?? 1); i++) {
    const number = `${kind === 'coordinating_office' ? 'RSGE' : 'INST'}-${digits(7)}`;
    siteIds.push(
      await transaction(db, (tx) =>
        upsertSite(tx, {
          serviceId: service.id,
          kind: kind === 'coordinating_office' ? 'home_provider' : 'installation',
          number,
          name: kind === 'coordinating_office' ? `RSGE Tremblay ${number}` : `Installation ${number}`,
          address: '12, rue des Érables',
          municipality: 'Québec',
          postalCode: 'G1R 1A1',
          region: '03',
          directorateCode: '11',
        }),
      ),
    );
  }
  return { ...e, serviceKind: kind, siteIds };
}

/** A user of the enterprise holding these MES rights (none: a member without MES rights). */
export async function mesUser(db: Db, e: TestEnterprise, rights: MesRight[], name = 'Utilisatrice'): Promise<TestAccount> {
  const user = await addTestMember(db, e, name);
  if (rights.length > 0) {
    await saveRights(db, ctxOf(e.rse), e.enterpriseId, new Map([[user.account.id, rights.map((right) => ({ eservice: 'mes' as const, right }))]]), 'mes');
  }
  return user;
}

export type TestChild = { id: string; nirec: string; necsg: string; lastName: string; firstName: string; birthDate: string };

/**
 * A child attending these sites since 2024-09-01, with the AIEH at `allowanceAt` (default: every
 * site) and MES funding for these (site, reference year) pairs.
 */
export async function createChild(
  db: Db,
  siteIds: string[],
  options: { allowanceAt?: string[]; funding?: { siteId: string; year: number }[]; lastName?: string; firstName?: string } = {},
): Promise<TestChild> {
  const input = {
    nirec: digits(10),
    necsg: digits(9),
    lastName: options.lastName ?? `Gagnon${serial}`,
    firstName: options.firstName ?? 'Léa',
    birthDate: '2021-05-14',
    parentName: 'Marie Gagnon',
    otherParentName: 'Luc Gagnon',
    homeAddress: '45, avenue du Parc, Québec',
    homePostalCode: 'G1R 2B2',
    parentEmail: 'marie.gagnon@exemple.ca',
    homePhone: '418 555-0101',
    mobilePhone: null,
  };
  const id = await transaction(db, async (tx) => {
    const childId = await upsertChild(tx, input);
    for (const siteId of siteIds) await upsertAttendance(tx, { childId, installationId: siteId, startDate: '2024-09-01', endDate: null });
    for (const siteId of options.allowanceAt ?? siteIds) await upsertIntegrationAllowance(tx, { childId, installationId: siteId, startDate: '2024-09-01', endDate: null });
    for (const f of options.funding ?? []) await recordMesFunding(tx, childId, f.siteId, f.year);
    return childId;
  });
  return { id, ...input };
}

export function enterpriseCtx(who: TestAccount): Ctx {
  return ctxOf(who);
}

/** A small valid PDF (pdf-lib reads it back). */
export async function samplePdf(text = 'Plan'): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([200, 200]);
  page.drawText(text, { x: 20, y: 100, size: 12 });
  return Buffer.from(await doc.save());
}
