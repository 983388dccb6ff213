import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { ConflictError, FieldValidationError, ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { referenceYearOf, todayInQuebec, workingDaysOf } from '../childcare/dates.js';
import { request } from '../requests/schema.js';
import { InvalidValueError, loadRequest, missingFields, StaleValueError } from '../requests/service.js';
import { requestList } from './lists.js';
import { mesProgram } from './program.js';
import { mesRequest } from './schema.js';
import {
  childChoice,
  createMesRequest,
  declareDeparture,
  deleteMesDraft,
  departureDateError,
  mesRequestPage,
  OpenRequestExists,
  saveMesField,
  searchChildren,
} from './service.js';
import { createChild, createMesEnterprise, enterpriseCtx, mesUser, type MesEnterprise, type TestChild } from './test-support.js';

let t: TestApp;
let e: MesEnterprise;
let other: MesEnterprise;
let writer: Awaited<ReturnType<typeof mesUser>>;
const settings = () => ({ publicUrl: 'http://localhost:3000', fileStore: t.app.files });
const year = referenceYearOf(todayInQuebec());

before(async () => {
  t = await buildTestApp();
  e = await createMesEnterprise(t.db, { sites: 2 });
  other = await createMesEnterprise(t.db);
  writer = await mesUser(t.db, e, ['enter']);
});
after(async () => t?.close());

async function newDraft(child: TestChild, siteId = e.siteIds[0] ?? ''): Promise<string> {
  const { requestId } = await createMesRequest(t.db, enterpriseCtx(writer), e.enterpriseId, { childId: child.id, installationId: siteId, type: 'new', creationKey: randomUUID() });
  return requestId;
}

async function rejects(work: Promise<unknown>, check: (error: unknown) => boolean, message: string) {
  await assert.rejects(work, (error) => {
    assert.ok(check(error), `${message}: got ${String(error)}`);
    return true;
  });
}

describe('child search', () => {
  test('finds the enterprise’s child by NIREC, NECSG and name; audits the ids found only', async () => {
    const child = await createChild(t.db, [e.siteIds[0] ?? ''], { lastName: 'Bérubé', firstName: 'Zoé' });
    const ctx = enterpriseCtx(writer);
    for (const query of [{ nirec: child.nirec }, { necsg: child.necsg }, { lastName: 'berube', firstName: 'ZOÉ', birthDate: child.birthDate }]) {
      const found = await searchChildren(t.db, ctx, e.enterpriseId, query);
      assert.deepEqual(found.map((f) => f.child.id), [child.id], JSON.stringify(query));
    }
    const events = await t.db.select().from(auditEvent).where(and(eq(auditEvent.action, 'mes.childSearched'), eq(auditEvent.subjectId, e.enterpriseId)));
    assert.ok(events.length >= 3);
    const text = JSON.stringify(events.map((ev) => ev.details));
    assert.ok(!text.includes(child.nirec) && !text.includes(child.necsg) && !text.toLowerCase().includes('bérubé'), 'no number nor name typed in the audit');
    assert.ok(text.includes(child.id));
  });

  test('a child of another enterprise is not found, exactly like an unknown child', async () => {
    const theirs = await createChild(t.db, [other.siteIds[0] ?? ''], { lastName: 'Ailleurs', firstName: 'Noé' });
    const ctx = enterpriseCtx(writer);
    const queries = [{ nirec: theirs.nirec }, { necsg: theirs.necsg }, { lastName: theirs.lastName, firstName: theirs.firstName, birthDate: theirs.birthDate }];
    const unknown = [{ nirec: '9999999999' }, { necsg: '999999999' }, { lastName: 'Inconnu', firstName: 'Personne', birthDate: '2020-01-01' }];
    for (const [i, query] of queries.entries()) {
      assert.deepEqual(await searchChildren(t.db, ctx, e.enterpriseId, query), await searchChildren(t.db, ctx, e.enterpriseId, unknown[i] ?? { nirec: '' }));
      assert.deepEqual(await searchChildren(t.db, ctx, e.enterpriseId, query), []);
    }
    // Nor can its page be opened by its id.
    await rejects(childChoice(t.db, ctx, e.enterpriseId, theirs.id, null), (err) => err instanceof NotFoundError, 'another enterprise’s child');
    await rejects(childChoice(t.db, ctx, e.enterpriseId, randomUUID(), null), (err) => err instanceof NotFoundError, 'an unknown child');
  });

  test('a user with the consult right only cannot search (nor create)', async () => {
    const reader = await mesUser(t.db, e, ['consult']);
    await rejects(searchChildren(t.db, enterpriseCtx(reader), e.enterpriseId, { nirec: '1234567890' }), (err) => err instanceof ForbiddenError, 'consult only');
  });
});

describe('creation', () => {
  test('a child without the AIEH at the chosen site cannot get a request, and the page can say why', async () => {
    const [first = '', second = ''] = e.siteIds;
    const child = await createChild(t.db, [first, second], { allowanceAt: [first] });
    const ctx = enterpriseCtx(writer);
    const choice = await childChoice(t.db, ctx, e.enterpriseId, child.id, second);
    assert.equal(choice.choice?.hasAllowance, false);
    await rejects(
      createMesRequest(t.db, ctx, e.enterpriseId, { childId: child.id, installationId: second, type: 'new', creationKey: randomUUID() }),
      (err) => err instanceof ConflictError && err.messageKey === 'mes.error.noAllowance',
      'no AIEH',
    );
    assert.equal((await t.db.select().from(mesRequest).where(eq(mesRequest.childId, child.id))).length, 0, 'nothing created, not even a number');
    assert.equal((await childChoice(t.db, ctx, e.enterpriseId, child.id, first)).choice?.hasAllowance, true);
  });

  test('a double submit makes one request; a second open request for the same child and site is refused with a link to the first', async () => {
    const child = await createChild(t.db, [e.siteIds[0] ?? '']);
    const ctx = enterpriseCtx(writer);
    const key = randomUUID();
    const input = { childId: child.id, installationId: e.siteIds[0] ?? '', type: 'new' as const, creationKey: key };
    const [a, b] = await Promise.all([createMesRequest(t.db, ctx, e.enterpriseId, input), createMesRequest(t.db, ctx, e.enterpriseId, input)]);
    assert.equal(a.requestId, b.requestId);
    assert.deepEqual([a.created, b.created].sort(), [false, true]);
    const [row] = await t.db.select().from(request).where(eq(request.id, a.requestId));
    assert.equal(row?.directorateCode, '11', 'the directorate of the site');
    assert.match(row?.number ?? '', /^\d{4}-11-\d{3,}$/);
    await rejects(createMesRequest(t.db, ctx, e.enterpriseId, { ...input, creationKey: randomUUID() }), (err) => err instanceof OpenRequestExists && err.existing.id === a.requestId, 'one open request');
    assert.equal((await childChoice(t.db, ctx, e.enterpriseId, child.id, input.installationId)).choice?.openRequest?.id, a.requestId);
  });

  test('a type that does not fit the history is refused after the first year', async () => {
    const child = await createChild(t.db, [e.siteIds[0] ?? '']);
    await rejects(
      createMesRequest(t.db, enterpriseCtx(writer), e.enterpriseId, { childId: child.id, installationId: e.siteIds[0] ?? '', type: 'renewal_unchanged', creationKey: randomUUID() }),
      (err) => err instanceof FieldValidationError && err.fields.type === 'mes.type.notAllowed',
      'renewal without funding',
    );
  });
});

describe('fields', () => {
  test('out-of-range and malformed values are refused with the field’s message, nothing saved', async () => {
    const id = await newDraft(await createChild(t.db, [e.siteIds[0] ?? '']));
    const ctx = enterpriseCtx(writer);
    const refused: [string, string, string][] = [
      ['support.hoursPerDay', '10.5', 'requests.error.max'],
      ['support.hoursPerDay', '25', 'requests.error.max'],
      ['support.hoursPerDay', '0', 'requests.error.min'],
      ['support.hoursPerDay', '4.25', 'requests.error.decimalPlaces'],
      ['support.daysPerWeek', '8', 'requests.error.max'],
      ['support.daysPerWeek', '2.5', 'requests.error.integer'],
      ['support.plannedDays', String(workingDaysOf(year) + 1), 'requests.error.max'],
      ['support.startDate', '2025-02-30', 'requests.error.date'],
      ['support.startDate', '01/09/2025', 'requests.error.date'],
      ['support.startDate', `${year + 2}-01-15`, 'mes.field.startDate.outOfYear'],
      ['support.startDate', `${year}-03-31`, 'mes.field.startDate.outOfYear'],
    ];
    for (const [fieldId, value, key] of refused) {
      await rejects(saveMesField(t.db, ctx, id, { fieldId, value, expectedVersion: 0 }), (err) => err instanceof FieldValidationError && err.fields[fieldId] === key, `${fieldId}=${value}`);
    }
    await rejects(saveMesField(t.db, ctx, id, { fieldId: 'homeProvider.name', value: 'RSG', expectedVersion: 0 }), (err) => err instanceof InvalidValueError, 'a CPE has no RSG field');
    const view = await loadRequest(t.db, ctx, mesProgram, id);
    assert.equal(view.values.size, 0);
    const saved = await saveMesField(t.db, ctx, id, { fieldId: 'support.hoursPerDay', value: '4,5', expectedVersion: 0 });
    assert.equal(saved.version, 1);
    assert.equal((await loadRequest(t.db, ctx, mesProgram, id)).values.get('support.hoursPerDay#0')?.value, '4.5');
    assert.equal((await saveMesField(t.db, ctx, id, { fieldId: 'support.plannedDays', value: String(workingDaysOf(year)), expectedVersion: 0 })).version, 1);
    assert.equal((await saveMesField(t.db, ctx, id, { fieldId: 'support.startDate', value: `${year}-04-01`, expectedVersion: 0 })).version, 1);
  });

  test('a save from a stale page is refused (409)', async () => {
    const id = await newDraft(await createChild(t.db, [e.siteIds[0] ?? '']));
    const ctx = enterpriseCtx(writer);
    await saveMesField(t.db, ctx, id, { fieldId: 'contact.name', value: 'Julie', expectedVersion: 0 });
    await saveMesField(t.db, ctx, id, { fieldId: 'contact.name', value: 'Julie Roy', expectedVersion: 1 });
    await rejects(saveMesField(t.db, ctx, id, { fieldId: 'contact.name', value: 'Autre', expectedVersion: 1 }), (err) => err instanceof StaleValueError, 'stale');
  });

  test('the professional is required except for a renewal without change; the RSG only for a BC', async () => {
    const id = await newDraft(await createChild(t.db, [e.siteIds[0] ?? '']));
    const page = await mesRequestPage(t.db, enterpriseCtx(writer), id);
    const missing = missingFields(mesProgram, page.view.values, page.facts).map((f) => f.id);
    assert.ok(missing.includes('professional.name') && missing.includes('professional.title'));
    assert.ok(!missing.includes('homeProvider.name'), 'a CPE has no RSG');
    const unchanged = missingFields(mesProgram, page.view.values, { attributes: { ...page.facts.attributes, type: 'renewal_unchanged' } }).map((f) => f.id);
    assert.ok(!unchanged.includes('professional.name'));
    const bc = missingFields(mesProgram, page.view.values, { attributes: { ...page.facts.attributes, serviceKind: 'coordinating_office' } }).map((f) => f.id);
    assert.ok(bc.includes('homeProvider.name'));
  });
});

describe('lists, deletion and departure', () => {
  test('the drafts list shows the request; other enterprises see nothing of it', async () => {
    const child = await createChild(t.db, [e.siteIds[0] ?? ''], { lastName: 'Listée' });
    const id = await newDraft(child);
    const query = { sort: 'updated' as const, direction: 'desc' as const, page: 1, child: 'listée', installationId: null, type: null };
    const page = await requestList(t.db, enterpriseCtx(writer), e.enterpriseId, 'brouillons', query);
    assert.deepEqual(page.rows.map((r) => r.id), [id]);
    assert.equal((await requestList(t.db, enterpriseCtx(writer), e.enterpriseId, 'en-cours', query)).total, 0);
    await rejects(requestList(t.db, enterpriseCtx(other.rse), e.enterpriseId, 'brouillons', query), (err) => err instanceof ForbiddenError, 'another enterprise');
  });

  test('only a draft is deleted, for good', async () => {
    const id = await newDraft(await createChild(t.db, [e.siteIds[0] ?? '']));
    await deleteMesDraft(t.db, enterpriseCtx(writer), settings(), id);
    assert.equal((await t.db.select().from(request).where(eq(request.id, id))).length, 0);
    assert.equal((await t.db.select().from(mesRequest).where(eq(mesRequest.requestId, id))).length, 0);
  });

  test('a departure is declared only on a compliant request, with a real past date in its year', async () => {
    const id = await newDraft(await createChild(t.db, [e.siteIds[0] ?? '']));
    await rejects(declareDeparture(t.db, enterpriseCtx(writer), settings(), id, todayInQuebec()), (err) => err instanceof ConflictError, 'a draft is not compliant');
    assert.equal(departureDateError('', 2025, '2025-10-01'), 'mes.departure.required');
    assert.equal(departureDateError('2025-13-01', 2025, '2025-10-01'), 'mes.date.invalid');
    assert.equal(departureDateError('2025-10-02', 2025, '2025-10-01'), 'mes.departure.future');
    assert.equal(departureDateError('2025-03-31', 2025, '2025-10-01'), 'mes.departure.beforeYear');
    assert.equal(departureDateError('2025-09-30', 2025, '2025-10-01'), null);
  });
});

describe('errors are typed', () => {
  test('InvalidValueError carries the bounds of its message', async () => {
    const id = await newDraft(await createChild(t.db, [e.siteIds[0] ?? '']));
    await rejects(
      saveMesField(t.db, enterpriseCtx(writer), id, { fieldId: 'support.daysPerWeek', value: '9', expectedVersion: 0 }),
      (err) => err instanceof InvalidValueError && err.reasonParams.max === 7,
      'bounds',
    );
  });
});
