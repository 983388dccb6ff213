import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { transaction } from '../../platform/db/index.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { request, requestDocument, requestSignature, requestSubmission, requestTransition, requestValue } from './schema.js';
import { addComment, markCompliant, transmit, type EngineSettings, type RequestRow } from './service.js';
import { createPeople, ctxFor, facts, fillReceivable, newDraft, testProgram, type People } from './test-support.js';

/** The database holds the engine's rules whatever the service does (migration request_constraints). */

let t: TestApp;
let people: People;
let settings: EngineSettings;
before(async () => {
  t = await buildTestApp();
  people = await createPeople(t.db);
  settings = { publicUrl: 'http://localhost:3000', fileStore: t.app.files };
});
after(async () => t?.close());

async function transmitted(): Promise<RequestRow> {
  const draft = await newDraft(t.db, people);
  await fillReceivable(t.db, settings, people, draft.id);
  return transmit(t.db, ctxFor(people.director), settings, testProgram, draft.id, facts);
}

/** The database's own message, wherever the driver puts it. */
function refusedWith(pattern: RegExp) {
  return (error: unknown) => {
    const cause = (error as { cause?: unknown }).cause ?? error;
    assert.match(String((cause as { message?: string }).message ?? cause), pattern);
    return true;
  };
}

describe('values, documents and signature of a transmitted request', () => {
  test('direct inserts, updates and deletes are refused', async () => {
    const row = await transmitted();
    const [document] = await t.db.select().from(requestDocument).where(eq(requestDocument.requestId, row.id));
    assert.ok(document);
    const author = people.editor.account.id;
    await assert.rejects(t.db.update(requestValue).set({ value: '9' }).where(eq(requestValue.requestId, row.id)), refusedWith(/request_value: UPDATE refused, request .* is submitted/));
    await assert.rejects(t.db.insert(requestValue).values({ requestId: row.id, fieldId: 'days', value: '2', changedBy: author }), refusedWith(/request_value: INSERT refused/));
    await assert.rejects(t.db.delete(requestValue).where(eq(requestValue.requestId, row.id)), refusedWith(/request_value: DELETE refused/));
    await assert.rejects(t.db.delete(requestDocument).where(eq(requestDocument.id, document.id)), refusedWith(/request_document: DELETE refused/));
    await assert.rejects(t.db.update(requestDocument).set({ documentType: 'report' }).where(eq(requestDocument.id, document.id)), refusedWith(/request_document: UPDATE refused/));
    await assert.rejects(t.db.insert(requestDocument).values({ requestId: row.id, documentType: 'plan', fileId: document.fileId, uploadedBy: author }), refusedWith(/request_document: INSERT refused/));
    await assert.rejects(t.db.update(requestSignature).set({ lastName: 'Autre' }).where(eq(requestSignature.requestId, row.id)), refusedWith(/request_signature: UPDATE refused/));
    // In comments they change again.
    await addComment(t.db, ctxFor(people.agent), settings, testProgram, row.id, { target: 'field', targetId: 'hours', body: 'À revoir.' });
    await t.db.update(requestValue).set({ value: '3' }).where(and(eq(requestValue.requestId, row.id), eq(requestValue.fieldId, 'hours')));
  });
});

describe('the request row', () => {
  test('only a draft is deleted', async () => {
    const row = await transmitted();
    await assert.rejects(t.db.delete(request).where(eq(request.id, row.id)), refusedWith(/only a draft is deleted/));
    // A draft with values goes, its values with it (the cascade is let through).
    const draft = await newDraft(t.db, people);
    await fillReceivable(t.db, settings, people, draft.id);
    await transaction(t.db, async (tx) => {
      await tx.delete(requestDocument).where(eq(requestDocument.requestId, draft.id));
      await tx.delete(request).where(eq(request.id, draft.id));
    });
    assert.deepEqual(await t.db.select().from(requestValue).where(eq(requestValue.requestId, draft.id)), []);
    assert.deepEqual(await t.db.select().from(requestSignature).where(eq(requestSignature.requestId, draft.id)), []);
  });

  test('the state moves only along the engine’s transitions', async () => {
    const draft = await newDraft(t.db, people);
    for (const state of ['commented', 'compliant', 'closed'] as const) {
      await assert.rejects(t.db.update(request).set({ state }).where(eq(request.id, draft.id)), refusedWith(new RegExp(`does not move from draft to ${state}`)));
    }
    const row = await transmitted();
    await assert.rejects(t.db.update(request).set({ state: 'draft' }).where(eq(request.id, row.id)), refusedWith(/does not move from submitted to draft/));
    await assert.rejects(t.db.update(request).set({ state: 'closed' }).where(eq(request.id, row.id)), refusedWith(/does not move from submitted to closed/));
    await markCompliant(t.db, ctxFor(people.agent), settings, testProgram, row.id);
    await assert.rejects(t.db.update(request).set({ state: 'submitted' }).where(eq(request.id, row.id)), refusedWith(/does not move from compliant to submitted/));
    // Other columns still change.
    await t.db.update(request).set({ changedAt: new Date() }).where(eq(request.id, row.id));
  });

  test('submissions and transitions are append-only', async () => {
    const row = await transmitted();
    await assert.rejects(t.db.update(requestSubmission).set({ values: {} }).where(eq(requestSubmission.requestId, row.id)), refusedWith(/request_submission is append-only \(UPDATE refused\)/));
    await assert.rejects(t.db.delete(requestSubmission).where(eq(requestSubmission.requestId, row.id)), refusedWith(/request_submission is append-only \(DELETE refused\)/));
    await assert.rejects(t.db.execute(sql`truncate request_submission`), refusedWith(/append-only/));
    await assert.rejects(t.db.update(requestTransition).set({ note: 'réécrit' }).where(eq(requestTransition.requestId, row.id)), refusedWith(/request_transition is append-only \(UPDATE refused\)/));
  });
});
