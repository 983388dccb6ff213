import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Ctx } from '../../platform/context.js';
import { ConflictError } from '../../platform/errors.js';
import { signedInClient, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { referenceYearOf, todayInQuebec } from '../childcare/index.js';
import { InvalidValueError, missingFields, programById, receivability, registerProgram, type EngineSettings, type FieldDefinition, type ProgramDefinition } from '../requests/index.js';
import { attachRequiredDocuments, fillSupportForm, sampleSupportValues, signAndTransmit } from './fixtures.js';
import { MES_PROGRAM_ID, mesProgram } from './program.js';
import { createMesRequest, mesRequestPage, saveMesField } from './service.js';
import { createChild, createMesEnterprise, enterpriseCtx, mesUser, type MesEnterprise } from './test-support.js';
import { supportFields } from './views/support.js';

/**
 * A MES revision 2 published while a revision-1 request is in flight. Production registers
 * revision 1 only; this file registers revision 2 for itself: the registry is module-global, and
 * the test runner gives each test file its own process, so no other file sees it.
 */

const NEW_FIELD = 'support.previousMeasures';

/**
 * Revision 1's fields and steps as stored data (a JSON copy: a revision is written down, not
 * coded), with one field added after the planned measures, required, and the contact's phone
 * made optional. The new field borrows an existing label: a real revision would bring its own.
 */
function revisionTwo(): ProgramDefinition {
  const stored: Pick<ProgramDefinition, 'fields' | 'steps'> = JSON.parse(JSON.stringify({ fields: mesProgram.fields, steps: mesProgram.steps }));
  const added: FieldDefinition = { id: NEW_FIELD, type: 'textarea', label: 'mes.field.measures', required: true, maxLength: 4000 };
  const fields = stored.fields.flatMap((f) => (f.id === 'support.description' ? [f, added] : f.id === 'contact.phone' ? [{ ...f, required: false }] : [f]));
  const steps = stored.steps.map((s) => (s.id === 'support' ? { ...s, fields: fields.map((f) => f.id) } : s));
  return { ...mesProgram, revision: 2, fields, steps };
}

let t: TestApp;
let e: MesEnterprise;
let signer: TestAccount;
let ctx: Ctx;
let settings: EngineSettings;
const year = referenceYearOf(todayInQuebec());

before(async () => {
  t = await buildTestApp();
  settings = { publicUrl: 'http://localhost:3000', fileStore: t.app.files };
  e = await createMesEnterprise(t.db);
  signer = await mesUser(t.db, e, ['sign'], 'Directrice');
  ctx = enterpriseCtx(signer);
});
after(async () => t?.close());

async function newRequest(lastName: string): Promise<string> {
  const child = await createChild(t.db, [e.siteIds[0] ?? ''], { lastName });
  const { requestId } = await createMesRequest(t.db, ctx, e.enterpriseId, { childId: child.id, installationId: e.siteIds[0] ?? '', type: 'new', creationKey: randomUUID() });
  return requestId;
}

/** The `<input>` or `<textarea>` of a field on the support step, or null when the page does not ask it. */
function control(html: string, fieldId: string): string | null {
  return new RegExp(`<(?:input|textarea)[^>]*name="${fieldId.replace('.', '\\.')}"[^>]*>`).exec(html)?.[0] ?? null;
}

function isRequiredControl(html: string, fieldId: string): boolean {
  const found = control(html, fieldId);
  assert.ok(found, `${fieldId} is on the page`);
  return /\srequired(?=[\s=>])/.test(found);
}

describe('a new MES revision', () => {
  test('an in-flight revision-1 request keeps its form; a request created after takes revision 2', async () => {
    const first = await newRequest('Avant');
    const second = revisionTwo();
    registerProgram(second);
    assert.equal(programById(MES_PROGRAM_ID), second);
    const next = await newRequest('Après');

    const values = sampleSupportValues(year);
    await fillSupportForm(t.db, ctx, first, values, false);
    await fillSupportForm(t.db, ctx, next, Object.fromEntries(Object.entries(values).filter(([id]) => id !== 'contact.phone')), false);

    // Revision 1: no new field to save, show or require; receivable and transmitted without it.
    const firstPage = await mesRequestPage(t.db, ctx, first);
    assert.equal(firstPage.view.request.revision, 1);
    assert.equal(firstPage.view.definition, mesProgram);
    assert.ok(!supportFields(firstPage).some((f) => f.id === NEW_FIELD));
    await assert.rejects(saveMesField(t.db, ctx, first, { fieldId: NEW_FIELD, value: 'Aucune', expectedVersion: 0 }), (error) => error instanceof InvalidValueError && error.reason === 'requests.error.unknownField');
    assert.deepEqual(missingFields(firstPage.view.definition, firstPage.view.values, firstPage.facts), []);
    const client = await signedInClient(t, signer);
    const firstHtml = (await client.get(`/entreprise/mes/demandes/${first}/modifier?etape=support`)).body;
    assert.equal(control(firstHtml, NEW_FIELD), null);
    assert.ok(isRequiredControl(firstHtml, 'contact.phone'), 'revision 1 still requires the phone');
    await attachRequiredDocuments(t.db, ctx, settings, first);
    await signAndTransmit(t.db, ctx, settings, first);
    assert.equal((await mesRequestPage(t.db, ctx, first)).view.request.state, 'submitted');

    // Revision 2: the new field is asked and required, the phone is not.
    let page = await mesRequestPage(t.db, ctx, next);
    assert.equal(page.view.request.revision, 2);
    assert.equal(page.view.definition, second);
    assert.ok(supportFields(page).some((f) => f.id === NEW_FIELD));
    assert.deepEqual(missingFields(page.view.definition, page.view.values, page.facts).map((f) => f.id), [NEW_FIELD]);
    const nextHtml = (await client.get(`/entreprise/mes/demandes/${next}/modifier?etape=support`)).body;
    assert.ok(isRequiredControl(nextHtml, NEW_FIELD));
    assert.ok(!isRequiredControl(nextHtml, 'contact.phone'), 'revision 2 lets the phone be left empty');
    await attachRequiredDocuments(t.db, ctx, settings, next);
    await assert.rejects(signAndTransmit(t.db, ctx, settings, next), (error) => error instanceof ConflictError && error.messageKey === 'requests.error.notReceivable');
    assert.deepEqual(receivability(mesProgram, page.view, page.facts)[0], { key: 'fields', ok: false, detail: NEW_FIELD });

    await saveMesField(t.db, ctx, next, { fieldId: NEW_FIELD, value: 'Un horaire adapté, sans succès.', expectedVersion: 0 });
    page = await mesRequestPage(t.db, ctx, next);
    assert.deepEqual(missingFields(page.view.definition, page.view.values, page.facts), []);
    await signAndTransmit(t.db, ctx, settings, next);
    page = await mesRequestPage(t.db, ctx, next);
    assert.equal(page.view.request.state, 'submitted');
    assert.equal(page.view.values.get(`${NEW_FIELD}#0`)?.value, 'Un horaire adapté, sans succès.');
  });
});
