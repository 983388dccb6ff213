import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { and, count, eq } from 'drizzle-orm';
import { auditEvent } from '../../platform/audit/schema.js';
import { transaction } from '../../platform/db/index.js';
import { ConflictError, FieldValidationError } from '../../platform/errors.js';
import { storedFile } from '../../platform/files/schema.js';
import { UploadRejected } from '../../platform/files/service.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { request, requestDocument, requestSubmission, requestTransition, requestValue } from './schema.js';
import {
  addComment,
  changesSinceComments,
  closeRequest,
  createRequest,
  deleteDocument,
  deleteDraft,
  InvalidValueError,
  loadRequest,
  markCompliant,
  openDocument,
  quebecYear,
  receivability,
  saveValue,
  setCommentCorrected,
  sign,
  StaleValueError,
  transmit,
  type EngineSettings,
  type RequestRow,
} from './service.js';
import { createPeople, ctxFor, facts, fillReceivable, homeFacts, mailsAbout, newDraft, onePagePdf, testProgram, upload, type People } from './test-support.js';

let t: TestApp;
let people: People;
let settings: EngineSettings;
before(async () => {
  t = await buildTestApp();
  people = await createPeople(t.db);
  settings = { publicUrl: 'http://localhost:3000', fileStore: t.app.files };
});
after(async () => t?.close());

const DIRECTORATE_11 = 'dsc-capitale-nord-est@famille.guichet.test';

async function auditCount(actionName: string, subjectId: string): Promise<number> {
  const [row] = await t.db.select({ n: count() }).from(auditEvent).where(and(eq(auditEvent.action, actionName), eq(auditEvent.subjectId, subjectId)));
  return row?.n ?? 0;
}

async function transitionsTo(requestId: string, toState: RequestRow['state']) {
  return t.db.select().from(requestTransition).where(and(eq(requestTransition.requestId, requestId), eq(requestTransition.toState, toState)));
}

async function transmitted(): Promise<RequestRow> {
  const draft = await newDraft(t.db, people);
  await fillReceivable(t.db, settings, people, draft.id);
  return transmit(t.db, ctxFor(people.director), settings, testProgram, draft.id, facts);
}

function filesOnDisk(dir = path.join(t.config.DATA_DIR, 'files')): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesOnDisk(full) : [full];
  });
}

describe('creating a request', () => {
  test('50 creations at once are numbered YYYY-RR-001 to 050, without gap or repeat', async () => {
    const year = quebecYear(new Date());
    const created = await Promise.all(Array.from({ length: 50 }, () => newDraft(t.db, people, '13')));
    const numbers = created.map((r) => r.number).sort();
    assert.deepEqual(numbers, Array.from({ length: 50 }, (_, i) => `${year}-13-${String(i + 1).padStart(3, '0')}`));
    const first = created[0];
    assert.ok(first);
    assert.equal(first.state, 'draft');
    assert.equal(first.round, 0);
    assert.equal((await transitionsTo(first.id, 'draft')).length, 1);
    assert.equal(await auditCount('request.created', first.id), 1);
  });

  test('a rolled-back creation gives its number back', async () => {
    const before = await newDraft(t.db, people, '14');
    await assert.rejects(
      transaction(t.db, async (tx) => {
        await createRequest(tx, ctxFor(people.editor), testProgram, { enterpriseId: people.enterpriseId, directorateCode: '14', creationKey: randomUUID() });
        throw new Error('the program’s own row failed');
      }),
      /own row failed/,
    );
    const next = await newDraft(t.db, people, '14');
    assert.equal(Number(next.number.slice(-3)), Number(before.number.slice(-3)) + 1);
  });

  test('a creation key used twice (double submit, even at once) makes one request', async () => {
    const creationKey = randomUUID();
    const create = () => transaction(t.db, (tx) => createRequest(tx, ctxFor(people.editor), testProgram, { enterpriseId: people.enterpriseId, directorateCode: '12', creationKey }));
    const [a, b] = await Promise.all([create(), create()]);
    assert.equal(a.request.id, b.request.id);
    assert.deepEqual([a.created, b.created].sort(), [false, true]);
    const again = await create();
    assert.equal(again.created, false);
    assert.equal(again.request.number, a.request.number);
    const [row] = await t.db.select({ n: count() }).from(request).where(eq(request.creationKey, creationKey));
    assert.equal(row?.n, 1);
  });
});

describe('autosave', () => {
  test('each save bumps the version; a save from a stale page is refused and names the newer save', async () => {
    const draft = await newDraft(t.db, people);
    const ctx = ctxFor(people.editor);
    const first = await saveValue(t.db, ctx, testProgram, draft.id, { fieldId: 'hours', value: '4,5', expectedVersion: 0, facts });
    assert.equal(first.version, 1);
    const second = await saveValue(t.db, ctxFor(people.director), testProgram, draft.id, { fieldId: 'hours', value: '5', expectedVersion: 1, facts });
    assert.equal(second.version, 2);
    // The first tab still shows version 1.
    const stale = await saveValue(t.db, ctx, testProgram, draft.id, { fieldId: 'hours', value: '6', expectedVersion: 1, facts }).then(
      () => assert.fail('a stale save was accepted'),
      (error: unknown) => error,
    );
    assert.ok(stale instanceof StaleValueError);
    assert.equal(stale.status, 409);
    assert.equal(stale.current.value, '5');
    assert.equal(stale.current.version, 2);
    assert.equal(stale.current.changedByName, people.director.account.displayName);
    assert.equal(stale.params.name, people.director.account.displayName);
    const view = await loadRequest(t.db, ctx, testProgram, draft.id);
    assert.equal(view.values.get('hours#0')?.value, '5');
    assert.equal(view.values.get('hours#0')?.version, 2);
    assert.equal(view.values.get('hours#0')?.changedBy, people.director.account.id);
    assert.ok(view.request.changedAt.getTime() >= draft.changedAt.getTime());
    // The stale page sending the text already stored loses nothing: accepted, version unchanged.
    const sameText = await saveValue(t.db, ctx, testProgram, draft.id, { fieldId: 'hours', value: '5', expectedVersion: 1, facts });
    assert.equal(sameText.version, 2);
  });

  test('a value is normalized; saving the same value again changes nothing; emptying keeps the version', async () => {
    const draft = await newDraft(t.db, people);
    const ctx = ctxFor(people.editor);
    await saveValue(t.db, ctx, testProgram, draft.id, { fieldId: 'hours', value: ' 04,50 ', expectedVersion: 0, facts });
    const same = await saveValue(t.db, ctx, testProgram, draft.id, { fieldId: 'hours', value: '4.5', expectedVersion: 1, facts });
    assert.equal(same.version, 1);
    const emptied = await saveValue(t.db, ctx, testProgram, draft.id, { fieldId: 'hours', value: '', expectedVersion: 1, facts });
    assert.equal(emptied.version, 2);
    const view = await loadRequest(t.db, ctx, testProgram, draft.id);
    assert.equal(view.values.get('hours#0')?.value, '');
    // Emptied is missing for receivability.
    assert.deepEqual(receivability(testProgram, view, facts)[0], { key: 'fields', ok: false, detail: 'hours' });
    await assert.rejects(saveValue(t.db, ctx, testProgram, draft.id, { fieldId: 'hours', value: '3', expectedVersion: 1, facts }), StaleValueError);
  });

  test('invalid values are refused with the field’s message, and nothing is saved', async () => {
    const draft = await newDraft(t.db, people);
    const ctx = ctxFor(people.editor);
    const cases: [string, string, string, Record<string, string | number>][] = [
      ['hours', '10,5', 'requests.error.max', { max: 10 }],
      ['hours', '-1', 'requests.error.min', { min: 0 }],
      ['hours', '4,25', 'requests.error.decimalPlaces', { places: 1 }],
      ['hours', 'quatre', 'requests.error.decimal', {}],
      ['days', '2.5', 'requests.error.integer', {}],
      ['start', '2025-02-30', 'requests.error.date', {}],
      ['start', '02/09/2025', 'requests.error.date', {}],
      ['needs', 'x'.repeat(201), 'requests.error.tooLong', { max: 200 }],
      ['kind', 'autre', 'requests.error.choice', {}],
      ['nope', '1', 'requests.error.unknownField', {}],
    ];
    for (const [fieldId, value, key, params] of cases) {
      const error = await saveValue(t.db, ctx, testProgram, draft.id, { fieldId, value, expectedVersion: 0, facts }).then(
        () => assert.fail(`${fieldId}=${value} was accepted`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof InvalidValueError, `${fieldId}=${value}`);
      assert.ok(error instanceof FieldValidationError);
      assert.deepEqual(error.fields, { [fieldId]: key });
      assert.deepEqual(error.reasonParams, params);
    }
    // The maximum depends on the request: 10.5 hours is fine for a home provider.
    await saveValue(t.db, ctx, testProgram, draft.id, { fieldId: 'hours', value: '10,5', expectedVersion: 0, facts: homeFacts });
    const values = await t.db.select().from(requestValue).where(eq(requestValue.requestId, draft.id));
    assert.deepEqual(values.map((v) => [v.fieldId, v.value]), [['hours', '10.5']]);
  });

  test('any change of a value or a document removes the signature', async () => {
    const draft = await newDraft(t.db, people);
    await fillReceivable(t.db, settings, people, draft.id);
    const signed = await loadRequest(t.db, ctxFor(people.editor), testProgram, draft.id);
    assert.equal(signed.signature?.lastName, 'Lavoie');
    assert.equal(signed.signature?.round, 1);
    assert.ok(receivability(testProgram, signed, facts).every((i) => i.ok));

    await saveValue(t.db, ctxFor(people.editor), testProgram, draft.id, { fieldId: 'days', value: '3', expectedVersion: 0, facts });
    const unsigned = await loadRequest(t.db, ctxFor(people.editor), testProgram, draft.id);
    assert.equal(unsigned.signature, null);
    assert.deepEqual(receivability(testProgram, unsigned, facts).find((i) => i.key === 'signature'), { key: 'signature', ok: false });

    await sign(t.db, ctxFor(people.director), testProgram, draft.id, { firstName: 'Josée', lastName: 'Lavoie', function: 'Directrice', attested: true });
    const document = await upload(t.db, settings, people, draft.id, 'report', await onePagePdf());
    assert.equal((await loadRequest(t.db, ctxFor(people.editor), testProgram, draft.id)).signature, null);
    await sign(t.db, ctxFor(people.director), testProgram, draft.id, { firstName: 'Josée', lastName: 'Lavoie', function: 'Directrice', attested: true });
    await deleteDocument(t.db, ctxFor(people.editor), settings, testProgram, draft.id, document.id);
    assert.equal((await loadRequest(t.db, ctxFor(people.editor), testProgram, draft.id)).signature, null);
  });

  test('a signature needs names of at most 100 characters and the attestation', async () => {
    const draft = await newDraft(t.db, people);
    await assert.rejects(sign(t.db, ctxFor(people.director), testProgram, draft.id, { firstName: ' ', lastName: 'x'.repeat(101), function: 'Directrice', attested: false }), (error: unknown) => {
      assert.ok(error instanceof FieldValidationError);
      assert.deepEqual(error.fields, { firstName: 'requests.error.required', lastName: 'requests.error.tooLong', attested: 'requests.error.attestation' });
      return true;
    });
    assert.equal((await loadRequest(t.db, ctxFor(people.editor), testProgram, draft.id)).signature, null);
  });
});

describe('receivability and transmission', () => {
  test('the items name what is missing: fields, each required document type, the signature', async () => {
    const draft = await newDraft(t.db, people);
    const view = await loadRequest(t.db, ctxFor(people.editor), testProgram, draft.id);
    assert.deepEqual(receivability(testProgram, view, facts), [
      { key: 'fields', ok: false, detail: 'hours' },
      { key: 'comments', ok: true },
      { key: 'documents', ok: false, detail: 'plan' },
      { key: 'signature', ok: false },
    ]);
    // For a home provider the RSG's name and the report are required too.
    await fillReceivable(t.db, settings, people, draft.id);
    const filled = await loadRequest(t.db, ctxFor(people.editor), testProgram, draft.id);
    assert.deepEqual(receivability(testProgram, filled, homeFacts), [
      { key: 'fields', ok: false, detail: 'rsgName' },
      { key: 'comments', ok: true },
      { key: 'documents', ok: true, detail: 'plan' },
      { key: 'documents', ok: false, detail: 'report' },
      { key: 'signature', ok: true },
    ]);
    await assert.rejects(transmit(t.db, ctxFor(people.director), settings, testProgram, draft.id, homeFacts), { status: 409, messageKey: 'requests.error.notReceivable' });
    assert.equal((await transitionsTo(draft.id, 'submitted')).length, 0);
  });

  test('a transmission snapshots the round, records the transition and its audit event, and mails the directorate', async () => {
    const draft = await newDraft(t.db, people);
    await fillReceivable(t.db, settings, people, draft.id);
    const row = await transmit(t.db, ctxFor(people.director), settings, testProgram, draft.id, facts);
    assert.equal(row.state, 'submitted');
    assert.equal(row.round, 1);
    assert.ok(row.firstSubmittedAt);
    assert.deepEqual(row.lastSubmittedAt, row.firstSubmittedAt);

    const [submission] = await t.db.select().from(requestSubmission).where(eq(requestSubmission.requestId, draft.id));
    assert.ok(submission);
    assert.equal(submission.round, 1);
    assert.deepEqual(submission.values, { 'hours#0': '4.5', 'start#0': '2025-09-02', 'needs#0': 'Accompagnement au dîner et à la sieste.' });
    assert.deepEqual(submission.documents.map((d) => [d.documentType, d.name]), [['plan', 'plan.pdf']]);
    assert.deepEqual(submission.signature, { firstName: 'Josée', lastName: 'Lavoie', function: 'Directrice générale' });
    assert.equal(submission.submittedBy, people.director.account.id);

    const [transition] = await transitionsTo(draft.id, 'submitted');
    assert.equal(transition?.fromState, 'draft');
    assert.equal(transition?.actorId, people.director.account.id);
    assert.equal(await auditCount('request.transmitted', draft.id), 1);

    const mails = await mailsAbout(t.db, DIRECTORATE_11, draft.number);
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.language, 'fr');
    assert.match(mails[0]?.textBody ?? '', new RegExp(`http://localhost:3000/agent/essai/${draft.id}`));
    assert.match(mails[0]?.textBody ?? '', new RegExp(people.director.account.displayName));

    // The signature shown is the round's, and nothing changes any more.
    const view = await loadRequest(t.db, ctxFor(people.agent), testProgram, draft.id);
    assert.equal(view.signature?.round, 1);
    await assert.rejects(saveValue(t.db, ctxFor(people.editor), testProgram, draft.id, { fieldId: 'days', value: '2', expectedVersion: 0, facts }), { status: 409, messageKey: 'requests.error.readOnly' });
    await assert.rejects(upload(t.db, settings, people, draft.id, 'plan', await onePagePdf()), { status: 409, messageKey: 'requests.error.readOnly' });
    await assert.rejects(sign(t.db, ctxFor(people.director), testProgram, draft.id, { firstName: 'A', lastName: 'B', function: 'C', attested: true }), { status: 409 });
  });

  test('two transmissions at once: one transition, one snapshot, one mail, and a conflict for the other', async () => {
    const draft = await newDraft(t.db, people);
    await fillReceivable(t.db, settings, people, draft.id);
    const results = await Promise.allSettled([
      transmit(t.db, ctxFor(people.director), settings, testProgram, draft.id, facts),
      transmit(t.db, ctxFor(people.director), settings, testProgram, draft.id, facts),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.ok(lost?.reason instanceof ConflictError);
    assert.equal(lost.reason.messageKey, 'requests.error.alreadyTransmitted');
    assert.equal((await transitionsTo(draft.id, 'submitted')).length, 1);
    assert.equal((await t.db.select().from(requestSubmission).where(eq(requestSubmission.requestId, draft.id))).length, 1);
    assert.equal((await mailsAbout(t.db, DIRECTORATE_11, draft.number)).length, 1);
  });
});

describe('comments and the rounds after them', () => {
  test('two agents commenting at once: both comments, one move to Comments, one mail per enterprise person', async () => {
    const row = await transmitted();
    const [a, b] = await Promise.all([
      addComment(t.db, ctxFor(people.agent), settings, testProgram, row.id, { target: 'field', targetId: 'hours', body: 'Précisez les heures du matin.' }),
      addComment(t.db, ctxFor(people.secondAgent), settings, testProgram, row.id, { target: 'document', targetId: 'plan', body: 'Le plan n’est pas signé.' }),
    ]);
    assert.equal(a.round, 1);
    assert.equal(b.round, 1);
    assert.equal(a.authorName, people.agent.account.displayName);
    assert.equal((await transitionsTo(row.id, 'commented')).length, 1);
    const view = await loadRequest(t.db, ctxFor(people.editor), testProgram, row.id);
    assert.equal(view.request.state, 'commented');
    assert.equal(view.comments.length, 2);
    // The creator (French) and the last transmitter (English) are told once each, in their language.
    const toEditor = await mailsAbout(t.db, people.editor.account.email ?? '', row.number);
    assert.equal(toEditor.length, 1);
    assert.match(toEditor[0]?.subject ?? '', /commentaires sur la demande/);
    assert.match(toEditor[0]?.textBody ?? '', new RegExp(`/entreprise/essai/${row.id}`));
    const toDirector = await mailsAbout(t.db, people.director.account.email ?? '', row.number);
    assert.equal(toDirector.length, 1);
    assert.match(toDirector[0]?.subject ?? '', /comments on request/);
    // A third comment joins the round without another mail.
    await addComment(t.db, ctxFor(people.agent), settings, testProgram, row.id, { target: 'field', targetId: 'start', body: 'Date à confirmer.' });
    assert.equal((await mailsAbout(t.db, people.editor.account.email ?? '', row.number)).length, 1);
    assert.equal(await auditCount('request.commentAdded', row.id), 3);
  });

  test('a comment needs a known target and 1 to 2000 characters; not on a draft', async () => {
    const row = await transmitted();
    await assert.rejects(addComment(t.db, ctxFor(people.agent), settings, testProgram, row.id, { target: 'field', targetId: 'plan', body: 'x' }), (error: unknown) => {
      assert.ok(error instanceof FieldValidationError);
      assert.deepEqual(error.fields, { targetId: 'requests.error.unknownTarget' });
      return true;
    });
    await assert.rejects(addComment(t.db, ctxFor(people.agent), settings, testProgram, row.id, { target: 'field', targetId: 'hours', body: 'x'.repeat(2001) }), FieldValidationError);
    await assert.rejects(addComment(t.db, ctxFor(people.agent), settings, testProgram, row.id, { target: 'field', targetId: 'hours', body: '  ' }), FieldValidationError);
    const draft = await newDraft(t.db, people);
    await assert.rejects(addComment(t.db, ctxFor(people.agent), settings, testProgram, draft.id, { target: 'field', targetId: 'hours', body: 'Trop tôt.' }), { status: 409, messageKey: 'requests.error.notUnderReview' });
    assert.equal((await loadRequest(t.db, ctxFor(people.agent), testProgram, row.id)).comments.length, 0);
  });

  test('corrected marks, a new signature and a second transmission; the agent sees what changed', async () => {
    const row = await transmitted();
    const comment = await addComment(t.db, ctxFor(people.agent), settings, testProgram, row.id, { target: 'field', targetId: 'hours', body: 'Trop d’heures.' });
    // In comments, the last round's signature is no longer the current one.
    const commented = await loadRequest(t.db, ctxFor(people.editor), testProgram, row.id);
    assert.equal(commented.signature, null);
    assert.deepEqual(
      receivability(testProgram, commented, facts).filter((i) => !i.ok),
      [{ key: 'comments', ok: false }, { key: 'signature', ok: false }],
    );
    const hours = commented.values.get('hours#0');
    assert.ok(hours);
    await saveValue(t.db, ctxFor(people.editor), testProgram, row.id, { fieldId: 'hours', value: '3', expectedVersion: hours.version, facts });
    const extra = await upload(t.db, settings, people, row.id, 'report', await onePagePdf(), 'rapport.pdf');
    assert.ok(extra.id);
    await setCommentCorrected(t.db, ctxFor(people.editor), testProgram, row.id, comment.id, true);
    await setCommentCorrected(t.db, ctxFor(people.editor), testProgram, row.id, comment.id, false);
    await assert.rejects(transmit(t.db, ctxFor(people.director), settings, testProgram, row.id, facts), { messageKey: 'requests.error.notReceivable' });
    await setCommentCorrected(t.db, ctxFor(people.editor), testProgram, row.id, comment.id, true);
    await sign(t.db, ctxFor(people.director), testProgram, row.id, { firstName: 'Josée', lastName: 'Lavoie', function: 'Directrice générale', attested: true });
    const again = await transmit(t.db, ctxFor(people.director), settings, testProgram, row.id, facts);
    assert.equal(again.state, 'submitted');
    assert.equal(again.round, 2);
    assert.deepEqual(again.firstSubmittedAt, row.firstSubmittedAt);
    assert.ok((again.lastSubmittedAt?.getTime() ?? 0) > (row.lastSubmittedAt?.getTime() ?? 0));
    const view = await loadRequest(t.db, ctxFor(people.agent), testProgram, row.id);
    assert.equal(view.comments[0]?.correctedAt instanceof Date, true);
    assert.deepEqual(view.transitions.map((tr) => tr.toState), ['draft', 'submitted', 'commented', 'submitted']);
    assert.deepEqual(await changesSinceComments(t.db, ctxFor(people.agent), testProgram, row.id), {
      fields: [{ key: 'hours#0', before: '4.5', after: '3' }],
      documentsAdded: ['rapport.pdf'],
      documentsRemoved: [],
    });
    await assert.rejects(setCommentCorrected(t.db, ctxFor(people.editor), testProgram, row.id, comment.id, false), { status: 409, messageKey: 'requests.error.notInComments' });
  });

  test('before a second transmission there is nothing to compare', async () => {
    const row = await transmitted();
    assert.deepEqual(await changesSinceComments(t.db, ctxFor(people.agent), testProgram, row.id), { fields: [], documentsAdded: [], documentsRemoved: [] });
  });
});

describe('compliant and closed', () => {
  test('an agent declares a submitted request compliant; it is then closed once, with the program’s facts in the same transaction', async () => {
    const row = await transmitted();
    await assert.rejects(closeRequest(t.db, ctxFor(people.editor), settings, testProgram, row.id, { note: null }), { status: 409, messageKey: 'requests.error.notCompliant' });
    const compliant = await markCompliant(t.db, ctxFor(people.agent), settings, testProgram, row.id);
    assert.equal(compliant.state, 'compliant');
    assert.equal((await mailsAbout(t.db, people.editor.account.email ?? '', row.number)).filter((m) => /conforme/.test(m.subject)).length, 1);
    await assert.rejects(markCompliant(t.db, ctxFor(people.agent), settings, testProgram, row.id), { status: 409, messageKey: 'requests.error.notSubmitted' });
    await assert.rejects(addComment(t.db, ctxFor(people.agent), settings, testProgram, row.id, { target: 'field', targetId: 'hours', body: 'Trop tard.' }), { status: 409 });

    // The program's own write fails: nothing of the closing is kept.
    await assert.rejects(
      closeRequest(t.db, ctxFor(people.editor), settings, testProgram, row.id, { note: 'Départ de l’enfant' }, async () => {
        throw new Error('departure not recorded');
      }),
      /departure not recorded/,
    );
    assert.equal((await loadRequest(t.db, ctxFor(people.editor), testProgram, row.id)).request.state, 'compliant');

    let recorded = false;
    const closed = await closeRequest(t.db, ctxFor(people.editor), settings, testProgram, row.id, { note: 'Départ de l’enfant' }, async (tx) => {
      const [inside] = await tx.select({ state: request.state }).from(request).where(eq(request.id, row.id));
      recorded = inside?.state === 'closed';
    });
    assert.equal(closed.state, 'closed');
    assert.ok(recorded);
    const [transition] = await transitionsTo(row.id, 'closed');
    assert.equal(transition?.note, 'Départ de l’enfant');
    assert.equal(await auditCount('request.closed', row.id), 1);
    // Closed by the enterprise: the directorate is told, the enterprise gets no mail about its own act.
    assert.equal((await mailsAbout(t.db, people.editor.account.email ?? '', row.number)).filter((m) => /terminée/.test(m.subject)).length, 0);
    const toDirectorate = (await mailsAbout(t.db, DIRECTORATE_11, row.number)).filter((m) => /terminée/.test(m.subject));
    assert.equal(toDirectorate.length, 1);
    assert.match(toDirectorate[0]?.textBody ?? '', /Départ de l’enfant/);
    await assert.rejects(closeRequest(t.db, ctxFor(people.agent), settings, testProgram, row.id, { note: null }), { status: 409 });
  });

  test('an agent may close a compliant request; the enterprise is told', async () => {
    const row = await transmitted();
    await markCompliant(t.db, ctxFor(people.agent), settings, testProgram, row.id);
    await closeRequest(t.db, ctxFor(people.agent), settings, testProgram, row.id, { note: 'Fin de la fréquentation' });
    const mails = (await mailsAbout(t.db, people.editor.account.email ?? '', row.number)).filter((m) => /terminée/.test(m.subject));
    assert.equal(mails.length, 1);
    assert.match(mails[0]?.textBody ?? '', /Fin de la fréquentation/);
  });
});

describe('documents and deleting a draft', () => {
  test('a document is read back by an agent, and each reading is audited', async () => {
    const row = await transmitted();
    const view = await loadRequest(t.db, ctxFor(people.agent), testProgram, row.id);
    const plan = view.documents[0];
    assert.ok(plan);
    const opened = await openDocument(t.db, ctxFor(people.agent), settings, testProgram, row.id, plan.id);
    assert.equal(opened.name, 'plan.pdf');
    assert.equal(opened.body.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal(await auditCount('request.documentRead', row.id), 1);
    await assert.rejects(openDocument(t.db, ctxFor(people.agent), settings, testProgram, row.id, randomUUID()), { status: 404 });
    await assert.rejects(openDocument(t.db, ctxFor(people.agent), settings, testProgram, row.id, 'pas-un-uuid'), { status: 404 });
    await assert.rejects(loadRequest(t.db, ctxFor(people.agent), testProgram, 'pas-un-uuid'), { status: 404 });
  });

  test('an encrypted or unknown-type document is refused and nothing is stored', async () => {
    const draft = await newDraft(t.db, people);
    const [{ n: filesBefore } = { n: 0 }] = await t.db.select({ n: count() }).from(storedFile);
    const pdf = (await onePagePdf()).toString('latin1');
    // pdf-lib writes object streams: put the /Encrypt entry in its cross-reference stream's dictionary.
    const encrypted = Buffer.from(pdf.replace('/Type /XRef', '/Type /XRef\n/Encrypt << /Filter /Standard /V 1 /R 2 /O (a) /U (b) /P -4 >>'), 'latin1');
    assert.notEqual(encrypted.length, pdf.length);
    await assert.rejects(upload(t.db, settings, people, draft.id, 'plan', encrypted), (error: unknown) => error instanceof UploadRejected && error.problem === 'encrypted');
    await assert.rejects(upload(t.db, settings, people, draft.id, 'inconnu', await onePagePdf()), FieldValidationError);
    const [{ n: filesAfter } = { n: 0 }] = await t.db.select({ n: count() }).from(storedFile);
    assert.equal(filesAfter, filesBefore);
    assert.equal((await t.db.select().from(requestDocument).where(eq(requestDocument.requestId, draft.id))).length, 0);
  });

  test('deleting a draft removes its rows and its documents’ bodies; a transmitted request is not deleted', async () => {
    const filesBefore = filesOnDisk().length;
    const draft = await newDraft(t.db, people);
    await fillReceivable(t.db, settings, people, draft.id);
    await upload(t.db, settings, people, draft.id, 'report', await onePagePdf());
    assert.equal(filesOnDisk().length, filesBefore + 2);
    await deleteDraft(t.db, ctxFor(people.editor), settings, testProgram, draft.id);
    assert.equal(filesOnDisk().length, filesBefore);
    assert.deepEqual(await t.db.select().from(request).where(eq(request.id, draft.id)), []);
    assert.deepEqual(await t.db.select().from(requestValue).where(eq(requestValue.requestId, draft.id)), []);
    assert.deepEqual(await t.db.select().from(requestTransition).where(eq(requestTransition.requestId, draft.id)), []);
    assert.equal(await auditCount('request.deleted', draft.id), 1);
    await assert.rejects(loadRequest(t.db, ctxFor(people.editor), testProgram, draft.id), { status: 404 });

    const row = await transmitted();
    await assert.rejects(deleteDraft(t.db, ctxFor(people.editor), settings, testProgram, row.id), { status: 409, messageKey: 'requests.error.notDraft' });
    assert.equal((await t.db.select().from(request).where(eq(request.id, row.id))).length, 1);
  });
});

describe('authorization', () => {
  test('each function refuses an actor the program’s rules refuse, and changes nothing', async () => {
    const draft = await newDraft(t.db, people);
    await fillReceivable(t.db, settings, people, draft.id);
    const outsider = ctxFor(people.outsider);
    const reader = ctxFor(people.reader);
    const editor = ctxFor(people.editor);
    const otherAgent = ctxFor(people.otherAgent);
    const forbidden = { status: 403 };
    const signature = { firstName: 'A', lastName: 'B', function: 'C', attested: true };
    const comment = { target: 'field' as const, targetId: 'hours', body: 'Non.' };

    await assert.rejects(transaction(t.db, (tx) => createRequest(tx, reader, testProgram, { enterpriseId: people.enterpriseId, directorateCode: '11', creationKey: randomUUID() })), forbidden);
    await assert.rejects(transaction(t.db, (tx) => createRequest(tx, outsider, testProgram, { enterpriseId: people.enterpriseId, directorateCode: '11', creationKey: randomUUID() })), forbidden);
    // The creation key of someone else's request does not reveal it.
    await assert.rejects(transaction(t.db, (tx) => createRequest(tx, outsider, testProgram, { enterpriseId: people.enterpriseId, directorateCode: '11', creationKey: draft.creationKey })), forbidden);
    await assert.rejects(loadRequest(t.db, outsider, testProgram, draft.id), forbidden);
    await assert.rejects(loadRequest(t.db, otherAgent, testProgram, draft.id), forbidden);
    await assert.rejects(saveValue(t.db, reader, testProgram, draft.id, { fieldId: 'days', value: '2', expectedVersion: 0, facts }), forbidden);
    await assert.rejects(saveValue(t.db, outsider, testProgram, draft.id, { fieldId: 'days', value: '2', expectedVersion: 0, facts }), forbidden);
    // The right is checked before the input: a refused actor learns nothing from validation.
    await assert.rejects(saveValue(t.db, outsider, testProgram, draft.id, { fieldId: 'days', value: '99', expectedVersion: 0, facts }), forbidden);
    await assert.rejects(sign(t.db, editor, testProgram, draft.id, { firstName: '', lastName: '', function: '', attested: false }), forbidden);
    await assert.rejects(upload(t.db, settings, { ...people, editor: people.reader }, draft.id, 'plan', await onePagePdf()), forbidden);
    const plan = (await loadRequest(t.db, editor, testProgram, draft.id)).documents[0];
    assert.ok(plan);
    await assert.rejects(deleteDocument(t.db, reader, settings, testProgram, draft.id, plan.id), forbidden);
    await assert.rejects(openDocument(t.db, outsider, settings, testProgram, draft.id, plan.id), forbidden);
    await assert.rejects(sign(t.db, editor, testProgram, draft.id, signature), forbidden);
    await assert.rejects(transmit(t.db, editor, settings, testProgram, draft.id, facts), forbidden);
    await assert.rejects(deleteDraft(t.db, reader, settings, testProgram, draft.id), forbidden);
    await assert.rejects(changesSinceComments(t.db, outsider, testProgram, draft.id), forbidden);

    const row = await transmit(t.db, ctxFor(people.director), settings, testProgram, draft.id, facts);
    await assert.rejects(addComment(t.db, editor, settings, testProgram, row.id, comment), forbidden);
    await assert.rejects(addComment(t.db, otherAgent, settings, testProgram, row.id, comment), forbidden);
    await assert.rejects(addComment(t.db, otherAgent, settings, testProgram, row.id, { target: 'field', targetId: 'inconnu', body: '' }), forbidden);
    await assert.rejects(markCompliant(t.db, ctxFor(people.director), settings, testProgram, row.id), forbidden);
    await assert.rejects(markCompliant(t.db, otherAgent, settings, testProgram, row.id), forbidden);
    const added = await addComment(t.db, ctxFor(people.agent), settings, testProgram, row.id, comment);
    await assert.rejects(setCommentCorrected(t.db, reader, testProgram, row.id, added.id, true), forbidden);
    await assert.rejects(setCommentCorrected(t.db, ctxFor(people.agent), testProgram, row.id, added.id, true), forbidden);

    const other = await transmitted();
    await markCompliant(t.db, ctxFor(people.agent), settings, testProgram, other.id);
    await assert.rejects(closeRequest(t.db, reader, settings, testProgram, other.id, { note: null }), forbidden);
    await assert.rejects(closeRequest(t.db, otherAgent, settings, testProgram, other.id, { note: null }), forbidden);

    // Another program's request is not found through this one.
    await assert.rejects(loadRequest(t.db, editor, { ...testProgram, id: 'autre' }, draft.id), { status: 404 });

    const view = await loadRequest(t.db, editor, testProgram, draft.id);
    assert.equal(view.values.get('days#0'), undefined);
    assert.equal(view.documents.length, 1);
    assert.equal(view.comments.length, 1);
    assert.equal(view.comments[0]?.correctedAt, null);
    assert.equal((await loadRequest(t.db, editor, testProgram, other.id)).request.state, 'compliant');
  });
});
