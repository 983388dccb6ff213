import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { anonymous, type Ctx } from '../../platform/context.js';
import { transaction, type Database, type Db } from '../../platform/db/index.js';
import { AppError, FieldValidationError, ForbiddenError } from '../../platform/errors.js';
import { openTestDatabase } from '../../platform/testing/database.js';
import { saveRights, transmitEnrolment } from '../access/service.js';
import { upsertChildcareService, upsertSite } from '../childcare/service.js';
import { createTestEnterprise, ctxOf } from '../enterprises/members-test-support.js';
import { openSheet, publishedSheet, publishSheet, saveSheet, sheetsOfEnterprise, StaleSheetError, unpublishSheet, type SheetInput } from './service.js';
import { createProvider, homeAddress, portalUser, type PortalProvider } from './test-support.js';

let database: Database;
let db: Db;
let rsge: PortalProvider;
let rsgeCtx: Ctx;
before(async () => {
  database = await openTestDatabase();
  db = database.db;
  rsge = await createProvider(db, 'home_provider');
  rsgeCtx = ctxOf(await portalUser(db, rsge, ['manage_sheet'], 'Julie'));
});
after(async () => database?.close());

const publicCtx: Ctx = { actor: anonymous, lang: 'fr', requestId: null, ip: null };

function input(version: number, values: Partial<SheetInput> = {}): SheetInput {
  return {
    version,
    groupComposition: 'Un groupe de six enfants de 1 à 5 ans.',
    dailyRate: '',
    rateDetails: '',
    openingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
    opensAt: '07:00',
    closesAt: '17:30',
    carePeriods: ['full_time'],
    presentation: 'Un milieu chaleureux près du parc.',
    languages: ['fr'],
    otherLanguages: '',
    publicSections: [],
    ...values,
  };
}

async function auditCount(action: string, subjectId: string): Promise<number> {
  return (await db.select().from(auditEvent).where(and(eq(auditEvent.action, action), eq(auditEvent.subjectId, subjectId)))).length;
}

async function fieldErrors(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FieldValidationError) return error.fields;
    throw error;
  }
  assert.fail('no field error');
}

describe('adhesion and the provider’s sheets', () => {
  test('an RSGE’s own enterprise enrols with its recognition number and is active at once', async () => {
    const sheets = await sheetsOfEnterprise(db, rsgeCtx, rsge.enterpriseId);
    assert.deepEqual(
      sheets.map((s) => [s.site.number, s.state]),
      [[rsge.siteNumber, 'not_adhered']],
    );
  });

  test('another enterprise enrolling with the RSGE’s number goes to the agents', async () => {
    const stranger = await createTestEnterprise(db);
    const enrolment = await transmitEnrolment(db, ctxOf(stranger.rse), { publicUrl: 'http://localhost:3000' }, stranger.enterpriseId, { ministry: 'famille', ministryNumber: rsge.siteNumber.toLowerCase(), otherInformation: null });
    assert.deepEqual([enrolment.state, enrolment.numberCheck], ['processing', 'other_enterprise']);
  });

  test('the first visit records the adhesion, once; the places come from the recognition', async () => {
    const first = await openSheet(db, rsgeCtx, rsge.siteId);
    assert.equal(first.firstVisit, true);
    assert.deepEqual([first.site.placesTotal, first.site.placesUnder18Months], [6, 2]);
    assert.equal(first.subsidized, true);
    const again = await openSheet(db, rsgeCtx, rsge.siteId);
    assert.equal(again.firstVisit, false);
    assert.equal(again.sheet.id, first.sheet.id);
    assert.equal(await auditCount('portal.adhered', rsge.siteId), 1);
    assert.equal((await sheetsOfEnterprise(db, rsgeCtx, rsge.enterpriseId))[0]?.state, 'draft');
  });

  test('who may not: the RSE without the right, the BC holding the recognition, another enterprise', async () => {
    await assert.rejects(openSheet(db, ctxOf(rsge.rse), rsge.siteId), ForbiddenError, 'the RSE holds no « Gérer la fiche » itself');
    const other = await createProvider(db, 'cpe');
    const otherCtx = ctxOf(await portalUser(db, other, ['manage_sheet', 'manage_reserve']));
    await assert.rejects(openSheet(db, otherCtx, rsge.siteId), ForbiddenError);
    await assert.rejects(saveSheet(db, otherCtx, rsge.siteId, input(1)), ForbiddenError);
    await assert.rejects(sheetsOfEnterprise(db, otherCtx, rsge.enterpriseId), ForbiddenError);

    // A BC with « Gérer la fiche » for its own enterprise does not manage its RSGE's sheets.
    const bc = await createTestEnterprise(db);
    const permit = `BC-${bc.neq.slice(0, 6)}`;
    const homeId = await transaction(db, async (tx) => {
      const service = await upsertChildcareService(tx, { permitNumber: permit, kind: 'coordinating_office', name: 'BC d’essai', enterpriseNeq: bc.neq });
      return upsertSite(tx, { serviceId: service.id, kind: 'home_provider', number: `RSGE-${bc.neq}`, name: 'Marie Roy', address: '1, rue Privée', municipality: 'Rimouski', postalCode: 'G5L 1B1', region: '01', directorateCode: '11', providerNeq: '3399999999', placesTotal: 6, placesUnder18Months: 2, latitude: 48.45, longitude: -68.52 });
    });
    await transmitEnrolment(db, ctxOf(bc.rse), { publicUrl: 'http://localhost:3000' }, bc.enterpriseId, { ministry: 'famille', ministryNumber: permit, otherInformation: null });
    await saveRights(db, ctxOf(bc.rse), bc.enterpriseId, new Map([[bc.rse.account.id, [{ eservice: 'portal' as const, right: 'manage_sheet' as const }]]]), 'portal');
    await assert.rejects(openSheet(db, ctxOf(bc.rse), homeId), ForbiddenError);
    assert.deepEqual(await sheetsOfEnterprise(db, ctxOf(bc.rse), bc.enterpriseId), []);
  });
});

describe('saving the sheet', () => {
  test('bad inputs are field errors; nothing is saved', async () => {
    const { sheet } = await openSheet(db, rsgeCtx, rsge.siteId);
    assert.deepEqual(await fieldErrors(saveSheet(db, rsgeCtx, rsge.siteId, input(sheet.version, { opensAt: '25:00', closesAt: '7h' }))), {
      opensAt: 'portal.sheet.hours.outOfRange',
      closesAt: 'portal.sheet.hours.invalid',
    });
    assert.deepEqual(await fieldErrors(saveSheet(db, rsgeCtx, rsge.siteId, input(sheet.version, { opensAt: '18:00', closesAt: '07:00', presentation: 'x'.repeat(2001) }))), {
      closesAt: 'portal.sheet.hours.closeBeforeOpen',
      presentation: 'field.tooLong',
    });
    assert.deepEqual(await fieldErrors(saveSheet(db, rsgeCtx, rsge.siteId, input(sheet.version, { opensAt: '', closesAt: '17:00' }))), { opensAt: 'portal.sheet.hours.both' });
    const daycare = await createProvider(db, 'daycare');
    const daycareCtx = ctxOf(await portalUser(db, daycare, ['manage_sheet']));
    const opened = await openSheet(db, daycareCtx, daycare.siteId);
    assert.equal(opened.subsidized, false);
    assert.deepEqual(await fieldErrors(saveSheet(db, daycareCtx, daycare.siteId, input(1, { dailyRate: '-5' }))), { dailyRate: 'portal.sheet.rate.negative' });
    assert.deepEqual(await fieldErrors(saveSheet(db, daycareCtx, daycare.siteId, input(1, { dailyRate: 'beaucoup' }))), { dailyRate: 'portal.sheet.rate.invalid' });
    const saved = await saveSheet(db, daycareCtx, daycare.siteId, input(1, { dailyRate: '52,50' }));
    assert.equal(saved.dailyRateCents, 5250);
    assert.equal((await openSheet(db, rsgeCtx, rsge.siteId)).sheet.version, sheet.version, 'nothing saved');
    await assert.rejects(saveSheet(db, rsgeCtx, rsge.siteId, input(sheet.version, { languages: ['klingon'] })), (e: unknown) => e instanceof AppError && e.status === 400);
  });

  test('a sheet saved in two tabs: the later save is refused, nothing merged', async () => {
    const { sheet } = await openSheet(db, rsgeCtx, rsge.siteId);
    const first = await saveSheet(db, rsgeCtx, rsge.siteId, input(sheet.version, { presentation: 'Premier onglet' }));
    assert.equal(first.version, sheet.version + 1);
    await assert.rejects(saveSheet(db, rsgeCtx, rsge.siteId, input(sheet.version, { presentation: 'Second onglet', groupComposition: 'Autre' })), StaleSheetError);
    const now = (await openSheet(db, rsgeCtx, rsge.siteId)).sheet;
    assert.deepEqual([now.version, now.presentation, now.groupComposition], [first.version, 'Premier onglet', 'Un groupe de six enfants de 1 à 5 ans.']);
    assert.equal(now.dailyRateCents, null, 'a rate is never kept for places at the reduced contribution');
  });
});

describe('publication and what the public sees', () => {
  test('nothing is public before « Publier ma fiche »; days and hours are needed first; unpublishing hides it again', async () => {
    const fresh = await createProvider(db, 'home_provider');
    const ctx = ctxOf(await portalUser(db, fresh, ['manage_sheet']));
    await assert.rejects(publishSheet(db, ctx, fresh.siteId), (e: unknown) => e instanceof AppError && e.messageKey === 'portal.publish.notAdhered');
    const { sheet } = await openSheet(db, ctx, fresh.siteId);
    await assert.rejects(publishSheet(db, ctx, fresh.siteId), (e: unknown) => e instanceof AppError && e.messageKey === 'portal.publish.incomplete');
    await saveSheet(db, ctx, fresh.siteId, input(sheet.version));
    assert.equal(await publishedSheet(db, publicCtx, fresh.siteId), null, 'saved but not published');
    await publishSheet(db, ctx, fresh.siteId);
    assert.ok(await publishedSheet(db, publicCtx, fresh.siteId));
    await assert.rejects(publishSheet(db, ctx, fresh.siteId), (e: unknown) => e instanceof AppError && e.messageKey === 'portal.publish.already');
    await unpublishSheet(db, ctx, fresh.siteId);
    assert.equal(await publishedSheet(db, publicCtx, fresh.siteId), null);
    const [published, unpublished] = await Promise.all([auditCount('portal.sheet.published', sheet.id), auditCount('portal.sheet.unpublished', sheet.id)]);
    assert.deepEqual([published, unpublished], [1, 1]);
  });

  test('an RSGE: the approximate position, days, hours and number of children always; other sections only if allowed; never its address or exact position', async () => {
    const { sheet } = await openSheet(db, rsgeCtx, rsge.siteId);
    await saveSheet(db, rsgeCtx, rsge.siteId, input(sheet.version, { languages: ['fr', 'en'] }));
    await publishSheet(db, rsgeCtx, rsge.siteId);
    const hidden = await publishedSheet(db, publicCtx, rsge.siteId);
    assert.ok(hidden);
    assert.equal(hidden.name, null, 'an RSGE’s name only when it allows it');
    assert.equal(hidden.address, null);
    assert.deepEqual(hidden.places, { total: 6, under18Months: 2 });
    assert.deepEqual([hidden.openingDays, hidden.opensAt, hidden.closesAt], [['mon', 'tue', 'wed', 'thu', 'fri'], '07:00', '17:30']);
    assert.deepEqual(hidden.position, { latitude: 48.43, longitude: -68.535 }, 'the centre of the grid cell');
    for (const section of ['groupComposition', 'rates', 'carePeriods', 'presentation', 'languages']) assert.ok(!(section in hidden), section);

    const current = (await openSheet(db, rsgeCtx, rsge.siteId)).sheet;
    await saveSheet(db, rsgeCtx, rsge.siteId, input(current.version, { languages: ['fr', 'en'], publicSections: ['name', 'group', 'rates', 'periods', 'presentation', 'languages'] }));
    const shown = await publishedSheet(db, publicCtx, rsge.siteId);
    assert.ok(shown);
    assert.equal(shown.name, rsge.siteName);
    assert.equal(shown.presentation, 'Un milieu chaleureux près du parc.');
    assert.deepEqual(shown.languages, { spoken: ['fr', 'en'], other: null });
    assert.deepEqual(shown.rates, { reducedContribution: true, dailyRateCents: null, details: null });
    assert.equal(shown.address, null, 'no section shows the address');

    // Whatever the sections, the exact address and position appear nowhere in what the public gets.
    for (const view of [hidden, shown]) {
      const json = JSON.stringify(view);
      for (const secret of [homeAddress.address, homeAddress.postalCode, String(homeAddress.latitude), String(homeAddress.longitude), '48.4376', '-68.5274']) {
        assert.ok(!json.includes(secret), `${secret} is not public`);
      }
    }
  });

  test('an installation: its name, address and exact position are public', async () => {
    const cpe = await createProvider(db, 'cpe');
    const ctx = ctxOf(await portalUser(db, cpe, ['manage_sheet']));
    const { sheet } = await openSheet(db, ctx, cpe.siteId);
    assert.deepEqual(sheet.publicSections, ['group', 'rates', 'periods', 'presentation', 'languages'], 'an installation shows every section unless it hides some');
    await assert.rejects(saveSheet(db, ctx, cpe.siteId, input(sheet.version, { publicSections: ['name'] })), (e: unknown) => e instanceof AppError && e.status === 400, 'an installation’s name is always public: no box for it');
    await saveSheet(db, ctx, cpe.siteId, input(sheet.version, { publicSections: ['presentation'] }));
    await publishSheet(db, ctx, cpe.siteId);
    const view = await publishedSheet(db, publicCtx, cpe.siteId);
    assert.ok(view);
    assert.equal(view.name, cpe.siteName);
    assert.deepEqual(view.address, { street: '500, boulevard René-Lévesque', postalCode: 'G5L 1A1' });
    assert.deepEqual(view.position, { latitude: homeAddress.latitude, longitude: homeAddress.longitude });
    assert.deepEqual(view.places, { total: 60, under18Months: 10 });
    assert.ok('presentation' in view && !('groupComposition' in view));
  });
});
