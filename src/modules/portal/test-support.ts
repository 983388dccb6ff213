/**
 * Test helpers of the portal module: a provider enterprise active in the Famille e-services with
 * one site — an RSGE (its own enterprise, recognized by a BC of another enterprise) or a CPE's
 * installation — and users holding « Gérer la fiche » or not. Built through the services of the
 * modules that own the data.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { AppError, FieldValidationError } from '../../platform/errors.js';
import { transaction, type Db } from '../../platform/db/index.js';
import type { Ctx } from '../../platform/context.js';
import { createTestAccount, type TestAccount } from '../../platform/testing/accounts.js';
import { saveRights, transmitEnrolment } from '../access/service.js';
import type { RightKind } from '../access/catalogue.js';
import { siteById, todayInQuebec, upsertChildcareService, upsertSite, type ChildcareServiceKind } from '../childcare/service.js';
import { addTestMember, createTestEnterprise, ctxOf, type TestEnterprise } from '../enterprises/members-test-support.js';
import { addGuardian, addMonths, chooseService, registerChild, type ChoiceInput, type FamilyChild, type ReserveChoice } from './families.js';
import { openSheet, publishSheet, saveSheet } from './service.js';

export type ProviderKind = 'home_provider' | Exclude<ChildcareServiceKind, 'coordinating_office'>;

/** The exact address and position of a test RSGE: tests look for them in every public answer. */
export const homeAddress = { address: '77, rue des Mésanges', postalCode: 'G5L 4B7', municipality: 'Rimouski', latitude: 48.437612, longitude: -68.527431 } as const;

export type PortalProvider = TestEnterprise & { kind: ProviderKind; siteId: string; siteNumber: string; siteName: string };

const digits = (length: number): string => String(randomInt(10 ** (length - 1), 10 ** length - 1));

/**
 * An enterprise active in the Famille e-services that manages one site's sheet. An RSGE enrols
 * with its recognition number (its BC holds the recognition); an installation's enterprise with
 * its permit number.
 */
export async function createProvider(db: Db, kind: ProviderKind = 'home_provider'): Promise<PortalProvider> {
  const e = await createTestEnterprise(db);
  const home = kind === 'home_provider';
  const permit = `${home ? 'BC' : 'CPE'}-${digits(6)}`;
  const siteNumber = `${home ? 'RSGE' : 'INST'}-${digits(7)}`;
  const siteName = home ? `Julie Tremblay ${siteNumber}` : `Installation ${siteNumber}`;
  const siteId = await transaction(db, async (tx) => {
    // An RSGE's recognition is held by a BC, another enterprise.
    const service = await upsertChildcareService(tx, { permitNumber: permit, kind: home ? 'coordinating_office' : kind, name: `Service ${permit}`, enterpriseNeq: home ? digits(10) : e.neq });
    return upsertSite(tx, {
      serviceId: service.id,
      kind: home ? 'home_provider' : 'installation',
      number: siteNumber,
      name: siteName,
      address: home ? homeAddress.address : '500, boulevard René-Lévesque',
      municipality: homeAddress.municipality,
      postalCode: home ? homeAddress.postalCode : 'G5L 1A1',
      region: '01',
      directorateCode: '11',
      providerNeq: home ? e.neq : null,
      placesTotal: home ? 6 : 60,
      placesUnder18Months: home ? 2 : 10,
      latitude: homeAddress.latitude,
      longitude: homeAddress.longitude,
    });
  });
  const enrolment = await transmitEnrolment(db, ctxOf(e.rse), { publicUrl: 'http://localhost:3000' }, e.enterpriseId, { ministry: 'famille', ministryNumber: home ? siteNumber : permit, otherInformation: null });
  if (enrolment.state !== 'active') throw new Error(`the Famille enrolment is ${enrolment.state}`);
  return { ...e, kind, siteId, siteNumber, siteName };
}

/** A user of the provider holding these portal rights (none: a member without « Gérer la fiche »). */
export async function portalUser(db: Db, e: TestEnterprise, rights: RightKind[], name = 'Utilisatrice'): Promise<TestAccount> {
  const user = await addTestMember(db, e, name);
  if (rights.length > 0) {
    await saveRights(db, ctxOf(e.rse), e.enterpriseId, new Map([[user.account.id, rights.map((right) => ({ eservice: 'portal' as const, right }))]]), 'portal');
  }
  return user;
}

/** A citizen's context, as the session would give it. */
export function citizenCtx(who: TestAccount, lang: 'fr' | 'en' = 'fr'): Ctx {
  return { actor: { type: 'account', accountId: who.account.id, accountKind: 'citizen', displayName: who.account.displayName }, lang, requestId: null, ip: null };
}

/** A ministry agent's context (its roles are the account's, see createTestAccount's agentRoles). */
export function agentCtx(who: TestAccount): Ctx {
  return { actor: { type: 'account', accountId: who.account.id, accountKind: 'agent', displayName: who.account.displayName }, lang: 'fr', requestId: null, ip: null };
}

/** A parent's wishes for a réserve entry: weekdays, full time, in 60 days unless told. */
export function wishes(values: Partial<ChoiceInput> = {}): ChoiceInput {
  return { desiredStart: new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10), days: ['mon', 'tue', 'wed', 'thu', 'fri'], periods: ['full_time'], acceptsPartial: false, acceptsSubstitute: false, ...values };
}

/** The field errors a call is refused with; fails the test when it is not refused so. */
export async function fieldErrors(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FieldValidationError) return error.fields;
    throw error;
  }
  assert.fail('no field error');
}

/** A provider whose sheet is published (parents may choose it), with a user holding « Gérer la réserve et les admissions ». */
export async function publishedProvider(db: Db, kind: ProviderKind = 'home_provider'): Promise<PortalProvider & { reserveUser: TestAccount }> {
  const provider = await createProvider(db, kind);
  const sheetCtx = ctxOf(await portalUser(db, provider, ['manage_sheet'], 'Fiche'));
  const { sheet } = await openSheet(db, sheetCtx, provider.siteId);
  await saveSheet(db, sheetCtx, provider.siteId, {
    version: sheet.version,
    groupComposition: '',
    dailyRate: '',
    rateDetails: '',
    openingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
    opensAt: '07:00',
    closesAt: '17:30',
    carePeriods: ['full_time'],
    presentation: '',
    languages: ['fr'],
    otherLanguages: '',
    publicSections: [],
  });
  await publishSheet(db, sheetCtx, provider.siteId);
  const reserveUser = await portalUser(db, provider, ['manage_reserve'], 'Reserve');
  return { ...provider, reserveUser };
}

/**
 * The BC that recognizes this RSGE, as an enterprise of its own active in the Famille e-services
 * (enrolled with its permit), with a user holding « Gérer la réserve et les admissions ».
 */
export async function coordinatingOfficeOf(db: Db, rsge: PortalProvider): Promise<TestEnterprise & { reserveUser: TestAccount }> {
  const site = await siteById(db, rsge.siteId);
  if (!site || site.kind !== 'home_provider') throw new Error('not an RSGE');
  const bc = await createTestEnterprise(db);
  await transaction(db, (tx) => upsertChildcareService(tx, { permitNumber: site.permitNumber, kind: 'coordinating_office', name: site.serviceName, enterpriseNeq: bc.neq }));
  const enrolment = await transmitEnrolment(db, ctxOf(bc.rse), { publicUrl: 'http://localhost:3000' }, bc.enterpriseId, { ministry: 'famille', ministryNumber: site.permitNumber, otherInformation: null });
  if (enrolment.state !== 'active') throw new Error(`the BC's Famille enrolment is ${enrolment.state}`);
  return { ...bc, reserveUser: await portalUser(db, bc, ['manage_reserve'], 'Agente BC') };
}

export type FamilyInReserve = { parent: TestAccount; child: FamilyChild; choice: ReserveChoice };

/** A parent (with a guardian who has an e-mail) whose child, born `birthDate`, is in the site's réserve. */
export async function childInReserve(db: Db, siteId: string, options: { birthDate?: string; desiredStart?: string; firstName?: string } = {}): Promise<FamilyInReserve> {
  const parent = await createTestAccount(db, 'citizen');
  const ctx = citizenCtx(parent);
  const today = todayInQuebec();
  await addGuardian(db, ctx, { role: 'parent', name: 'Nadia Tremblay', email: `nadia.${parent.account.id.slice(0, 8)}@example.com`, phone: '418 555-0123' });
  const child = await registerChild(db, ctx, { firstName: options.firstName ?? 'Léa', lastName: 'Tremblay', birthDate: options.birthDate ?? addMonths(today, -24) });
  const choice = await chooseService(db, ctx, child.id, siteId, { desiredStart: options.desiredStart ?? addMonths(today, 2), days: ['mon', 'tue', 'wed', 'thu', 'fri'], periods: ['full_time'], acceptsPartial: false, acceptsSubstitute: false });
  return { parent, child, choice };
}

/** The error a refused call gives (a right, a rule, a conflict); fails the test when it is not refused. */
export async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  assert.fail('not refused');
}
