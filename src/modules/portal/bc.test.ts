import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { transaction, type Database, type Db } from '../../platform/db/index.js';
import { FieldValidationError, ForbiddenError } from '../../platform/errors.js';
import { anonymous } from '../../platform/context.js';
import { outboxMail } from '../../platform/outbox/schema.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { siteById, todayInQuebec, upsertChildcareService, upsertSite } from '../childcare/service.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { admitFromReserve } from './admissions.js';
import { admissionsToConfirm, childrenOfRsge, confirmAdmission, dueBackSoon, remindNotAdhered, rsgeOfBc } from './bc.js';
import { searchMap } from './map.js';
import { changeRecognition, rsgeRecord, updateRsgeRecord } from './rsge-registry.js';
import { publishedSheet } from './service.js';
import { setDelegation } from './delegation.js';
import { addMonths } from './families.js';
import { admission } from './schema.js';
import { childInReserve, coordinatingOfficeOf, createProvider, homeAddress, portalUser, publishedProvider, refusal, type PortalProvider } from './test-support.js';

let database: Database;
let db: Db;
before(async () => {
  database = await openTestDatabase();
  db = database.db;
});
after(async () => database?.close());

const today = todayInQuebec();
const settings = { publicUrl: 'http://localhost:3000' };
const start = { plannedStart: addMonths(today, 1), override: false, overrideReason: '' };
const anonymousCtx = { actor: anonymous, lang: 'fr' as const, requestId: null, ip: null };

/** Puts another RSGE's recognition under this BC (a BC holds one permit per territory; two here). */
async function recognizeToo(bcNeq: string, rsge: PortalProvider): Promise<void> {
  const site = await siteById(db, rsge.siteId);
  assert.ok(site);
  await transaction(db, (tx) => upsertChildcareService(tx, { permitNumber: site.permitNumber, kind: 'coordinating_office', name: site.serviceName, enterpriseNeq: bcNeq }));
}

describe('the BC’s list of its RSGE', () => {
  test('each RSGE with its account, sheet opened, completed and published, its authorization and admissions; a reminder to those who have not adhered, once a day', async () => {
    const published = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, published);
    const silent = await createProvider(db, 'home_provider');
    await recognizeToo(bc.neq, silent);
    const site = await siteById(db, published.siteId);
    assert.ok(site);
    // An RSGE without any account in guichet: only the registry knows it.
    const unknownId = await transaction(db, (tx) =>
      upsertSite(tx, { serviceId: site.serviceId, kind: 'home_provider', number: `RSGE-${Date.now() % 10_000_000}`, name: 'Aline Sansportail', address: '1, rue Principale', municipality: 'Rimouski', postalCode: 'G5L 1B1', region: '01', directorateCode: '11', providerNeq: '1999999999', placesTotal: 6, placesUnder18Months: 2 }),
    );
    await setDelegation(db, ctxOf(published.reserveUser), published.siteId, true);
    const { choice } = await childInReserve(db, published.siteId);
    await admitFromReserve(db, ctxOf(published.reserveUser), published.siteId, choice.id, start, settings);

    const rows = await rsgeOfBc(db, ctxOf(bc.reserveUser), bc.enterpriseId);
    const byId = new Map(rows.map((r) => [r.siteId, r]));
    assert.equal(rows.length, 3);
    assert.deepEqual(
      (({ hasAccount, adhered, completed, published: p, delegated, admissions, toConfirm }) => ({ hasAccount, adhered, completed, published: p, delegated, admissions, toConfirm }))(byId.get(published.siteId) as (typeof rows)[0]),
      { hasAccount: true, adhered: true, completed: true, published: true, delegated: true, admissions: 1, toConfirm: 1 },
    );
    assert.deepEqual([byId.get(silent.siteId)?.hasAccount, byId.get(silent.siteId)?.adhered, byId.get(silent.siteId)?.published], [true, false, false]);
    assert.deepEqual([byId.get(unknownId)?.hasAccount, byId.get(unknownId)?.adhered], [false, false]);

    const first = await remindNotAdhered(db, ctxOf(bc.reserveUser), bc.enterpriseId, settings);
    assert.deepEqual(first, { mailed: 1, withoutAddress: 1, alreadyToday: 0 });
    const mails = await db.select().from(outboxMail).where(and(eq(outboxMail.recipient, silent.rse.account.email ?? ''), eq(outboxMail.subject, 'Rappel : adhérez au Portail d’inscription')));
    assert.equal(mails.length, 1);
    const again = await remindNotAdhered(db, ctxOf(bc.reserveUser), bc.enterpriseId, settings);
    assert.deepEqual(again, { mailed: 0, withoutAddress: 1, alreadyToday: 1 }, 'a second click the same day mails nobody');
    assert.equal((await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.bc.reminded'), eq(auditEvent.subjectId, bc.enterpriseId)))).length, 2);
    assert.ok((await rsgeOfBc(db, ctxOf(bc.reserveUser), bc.enterpriseId)).find((r) => r.siteId === silent.siteId)?.remindedAt);
  });

  test('refused to a CPE with « Gérer la réserve », to a BC user without it, and to another BC for this one', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, rsge);
    const cpe = await publishedProvider(db, 'cpe');
    assert.ok((await refusal(rsgeOfBc(db, ctxOf(cpe.reserveUser), cpe.enterpriseId))) instanceof ForbiddenError);
    const noRight = await portalUser(db, bc, ['manage_sheet'], 'Sansdroit');
    assert.ok((await refusal(rsgeOfBc(db, ctxOf(noRight), bc.enterpriseId))) instanceof ForbiddenError);
    const other = await coordinatingOfficeOf(db, await publishedProvider(db, 'home_provider'));
    assert.ok((await refusal(rsgeOfBc(db, ctxOf(other.reserveUser), bc.enterpriseId))) instanceof ForbiddenError);
    assert.ok((await refusal(remindNotAdhered(db, ctxOf(other.reserveUser), bc.enterpriseId, settings))) instanceof ForbiddenError);
  });
});

describe('« Confirmer une admission »', () => {
  test('found by RSGE or by the child’s name; confirmed once, with the family’s mail; another BC and the RSGE itself cannot confirm', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, rsge);
    const bcCtx = ctxOf(bc.reserveUser);
    const { parent, child, choice } = await childInReserve(db, rsge.siteId, { firstName: 'Maëlle' });
    const { choice: other } = await childInReserve(db, rsge.siteId, { firstName: 'Zoé' });
    const row = await admitFromReserve(db, ctxOf(rsge.reserveUser), rsge.siteId, choice.id, start, settings);
    await admitFromReserve(db, ctxOf(rsge.reserveUser), rsge.siteId, other.id, start, settings);

    assert.equal((await admissionsToConfirm(db, bcCtx, bc.enterpriseId, { siteId: rsge.siteId })).found.length, 2);
    const byName = (await admissionsToConfirm(db, bcCtx, bc.enterpriseId, { childName: 'maëlle tremb' })).found;
    assert.deepEqual(byName.map((f) => f.admission.id), [row.id]);
    assert.equal((await admissionsToConfirm(db, bcCtx, bc.enterpriseId, { childName: '%' })).found.length, 0, 'a % is a character, not a wildcard');

    const otherBc = await coordinatingOfficeOf(db, await publishedProvider(db, 'home_provider'));
    assert.equal((await admissionsToConfirm(db, ctxOf(otherBc.reserveUser), otherBc.enterpriseId, { siteId: rsge.siteId })).found.length, 0, 'another BC finds nothing of it');
    assert.ok((await refusal(confirmAdmission(db, ctxOf(otherBc.reserveUser), row.id, settings))) instanceof ForbiddenError);
    assert.ok((await refusal(confirmAdmission(db, ctxOf(rsge.reserveUser), row.id, settings))) instanceof ForbiddenError, 'confirming is the BC’s');

    await confirmAdmission(db, bcCtx, row.id, settings);
    const [confirmed] = await db.select().from(admission).where(eq(admission.id, row.id));
    assert.equal(confirmed?.state, 'confirmed');
    assert.equal((await refusal(confirmAdmission(db, bcCtx, row.id, settings))).messageKey, 'portal.bc.error.notToConfirm');
    const mails = await db.select().from(outboxMail).where(and(eq(outboxMail.recipient, parent.account.email ?? ''), eq(outboxMail.subject, 'L’admission de votre enfant est confirmée')));
    assert.equal(mails.length, 1);
    assert.equal((await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.admission.confirmed'), eq(auditEvent.subjectId, child.id)))).length, 1);
    assert.deepEqual((await admissionsToConfirm(db, bcCtx, bc.enterpriseId, {})).found.map((f) => f.child.firstName), ['Zoé']);
    const children = await childrenOfRsge(db, bcCtx, rsge.siteId);
    assert.deepEqual(children.rows.map((r) => r.admission.state).sort(), ['admitted', 'confirmed']);
    assert.ok((await refusal(childrenOfRsge(db, ctxOf(otherBc.reserveUser), rsge.siteId))) instanceof ForbiddenError);

    // The list is capped, and says when more match (Zoé and Xavier are to confirm).
    const { choice: third } = await childInReserve(db, rsge.siteId, { firstName: 'Xavier' });
    await admitFromReserve(db, ctxOf(rsge.reserveUser), rsge.siteId, third.id, start, settings);
    const capped = await admissionsToConfirm(db, bcCtx, bc.enterpriseId, {}, 1);
    assert.equal(capped.found.length, 1);
    assert.equal(capped.more, true);
    assert.equal((await admissionsToConfirm(db, bcCtx, bc.enterpriseId, {}, 2)).more, false);
  });
});

describe('the Registre des RSGE', () => {
  const anywhere = { kinds: [], subsidized: null, ageGroup: null, days: [], periods: [], language: null };
  const near = { label: 'G5L', precision: 'postal_area' as const, latitude: homeAddress.latitude, longitude: homeAddress.longitude };
  const onMap = async (siteId: string) => {
    const found = await searchMap(db, anonymousCtx, near, 5, anywhere);
    const pages = Math.ceil(found.total / 20);
    for (let page = 1; page <= pages; page++) if ((await searchMap(db, anonymousCtx, near, 5, anywhere, page)).entries.some((e) => e.siteId === siteId)) return true;
    return false;
  };
  const record = { name: 'Julie Tremblay', address: '12, rue des Pins', municipality: 'Rimouski', postalCode: 'g5l 2b3', email: 'julie@example.com', phone: '418 555-0101', placesTotal: '6', placesUnder18Months: '2' };

  test('only the BC changes the record: field errors, then saved and audited with the names of the fields changed', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, rsge);
    const bad = await refusal(updateRsgeRecord(db, ctxOf(bc.reserveUser), rsge.siteId, { ...record, postalCode: '12345', placesTotal: '10', placesUnder18Months: '3', email: 'julie@' }));
    assert.ok(bad instanceof FieldValidationError);
    assert.deepEqual(Object.keys(bad.fields).sort(), ['email', 'placesTotal', 'postalCode']);
    const tooManyInfants = await refusal(updateRsgeRecord(db, ctxOf(bc.reserveUser), rsge.siteId, { ...record, placesTotal: '2', placesUnder18Months: '3' }));
    assert.ok(tooManyInfants instanceof FieldValidationError && tooManyInfants.fields.placesUnder18Months === 'portal.registry.infants.invalid');
    await updateRsgeRecord(db, ctxOf(bc.reserveUser), rsge.siteId, record);
    const site = await siteById(db, rsge.siteId);
    assert.equal(site?.postalCode, 'G5L 2B3');
    assert.equal(site?.contactEmail, 'julie@example.com');
    const [audit] = await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.registry.updated'), eq(auditEvent.subjectId, rsge.siteId)));
    assert.ok(Array.isArray(audit?.details.fields) && (audit.details.fields as string[]).includes('postalCode'));
    assert.ok(!JSON.stringify(audit?.details).includes('julie@example.com'), 'the audit names the fields, not their values');

    assert.ok((await refusal(updateRsgeRecord(db, ctxOf(rsge.reserveUser), rsge.siteId, record))) instanceof ForbiddenError, 'the RSGE itself does not change the registry');
    const other = await coordinatingOfficeOf(db, await publishedProvider(db, 'home_provider'));
    assert.ok((await refusal(changeRecognition(db, ctxOf(other.reserveUser), rsge.siteId, { status: 'revoked', effectiveDate: today, plannedReturn: '', showDaysBefore: '', reason: 'x' }))) instanceof ForbiddenError, 'another BC');
  });

  test('a suspension hides the RSGE from the map and its public page until the chosen days before its return; revoked, it is gone for good and final', async () => {
    const rsge = await publishedProvider(db, 'home_provider');
    const bc = await coordinatingOfficeOf(db, rsge);
    const ctx = ctxOf(bc.reserveUser);
    assert.equal(await onMap(rsge.siteId), true);
    // Days counted from Quebec's today (the UTC date is already tomorrow each evening in Quebec).
    const inDays = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

    const badDates = await refusal(changeRecognition(db, ctx, rsge.siteId, { status: 'suspended', effectiveDate: inDays(3), plannedReturn: today, showDaysBefore: '120', reason: '' }));
    assert.ok(badDates instanceof FieldValidationError);
    assert.deepEqual(Object.keys(badDates.fields).sort(), ['effectiveDate', 'plannedReturn', 'reason', 'showDaysBefore']);

    await changeRecognition(db, ctx, rsge.siteId, { status: 'suspended', effectiveDate: today, plannedReturn: inDays(30), showDaysBefore: '14', reason: 'Congé de maladie' });
    assert.equal(await onMap(rsge.siteId), false, 'suspended: off the map');
    assert.equal(await publishedSheet(db, anonymousCtx, rsge.siteId), null, 'and off its public page');
    assert.deepEqual((await dueBackSoon(db, ctx, bc.enterpriseId, today)).map((d) => d.siteId), [rsge.siteId]);

    await changeRecognition(db, ctx, rsge.siteId, { status: 'active', effectiveDate: today, plannedReturn: '', showDaysBefore: '', reason: 'Retour' });
    assert.equal(await onMap(rsge.siteId), true, 'back');
    // Due back in 10 days, shown 14 days before: already on the map again.
    await changeRecognition(db, ctx, rsge.siteId, { status: 'suspended', effectiveDate: today, plannedReturn: inDays(10), showDaysBefore: '', reason: 'Vacances prolongées' });
    assert.equal(await onMap(rsge.siteId), true, 'within the days before its return (14 by default)');

    const both = await Promise.allSettled([
      changeRecognition(db, ctx, rsge.siteId, { status: 'revoked', effectiveDate: today, plannedReturn: '', showDaysBefore: '', reason: 'Révocation' }),
      changeRecognition(db, ctx, rsge.siteId, { status: 'ended', effectiveDate: today, plannedReturn: '', showDaysBefore: '', reason: 'Fin' }),
    ]);
    assert.equal(both.filter((r) => r.status === 'fulfilled').length, 1, 'two changes at once: one is recorded');
    assert.equal(await onMap(rsge.siteId), false);
    const final = await refusal(changeRecognition(db, ctx, rsge.siteId, { status: 'active', effectiveDate: today, plannedReturn: '', showDaysBefore: '', reason: 'Erreur' }));
    assert.equal(final.messageKey, 'portal.registry.error.notAllowed');
    const { history } = await rsgeRecord(db, ctx, rsge.siteId);
    assert.equal(history.length, 4);
    assert.equal((await db.select().from(auditEvent).where(and(eq(auditEvent.action, 'portal.registry.recognitionChanged'), eq(auditEvent.subjectId, rsge.siteId)))).length, 4);
  });
});
