import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { count, eq } from 'drizzle-orm';
import { storedFile } from '../../platform/files/schema.js';
import { signInAs } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { translate } from '../../platform/i18n/index.js';
import { requestDocument } from '../requests/schema.js';
import { titledPdf } from './fixtures.js';
import { createMesRequest } from './service.js';
import { createChild, createMesEnterprise, enterpriseCtx, mesUser, type MesEnterprise } from './test-support.js';

/** Bad input at the MES pages: a search with a future birth date, documents of 4 MB and one byte more. */
let t: TestApp;
let e: MesEnterprise;
let client: TestClient;
let requestId: string;

before(async () => {
  t = await buildTestApp();
  e = await createMesEnterprise(t.db);
  const user = await mesUser(t.db, e, ['enter']);
  const child = await createChild(t.db, [e.siteIds[0]!]);
  ({ requestId } = await createMesRequest(t.db, enterpriseCtx(user), e.enterpriseId, { childId: child.id, installationId: e.siteIds[0]!, type: 'new', creationKey: randomUUID() }));
  client = t.client();
  await signInAs(client, user);
});
after(async () => t?.close());

/** A valid PDF padded after its end to exactly `size` bytes: readers ignore what follows %%EOF. */
async function pdfOfSize(size: number): Promise<Buffer> {
  const pdf = await titledPdf('Plan d’intégration');
  return Buffer.concat([pdf, Buffer.alloc(size - pdf.length, 0x20)]);
}

async function storedCount(): Promise<number> {
  const [row] = await t.db.select({ n: count() }).from(storedFile);
  return row?.n ?? 0;
}

async function upload(content: Buffer) {
  await client.get(`/entreprise/mes/demandes/${requestId}/modifier?etape=documents`);
  return client.postMultipart(`/entreprise/mes/demandes/${requestId}/documents`, { documentType: 'integration_plan' }, { name: 'file', filename: 'plan.pdf', content });
}

describe('MES bad input', () => {
  test('a search with a birth date in the future is refused at its field, the value kept', async () => {
    await client.get('/entreprise/mes/creer');
    const response = await client.post('/entreprise/mes/creer', { nirec: '', necsg: '', lastName: 'Gagnon', firstName: 'Léa', birthDate: '2999-01-01' });
    assert.equal(response.statusCode, 400);
    assert.ok(response.body.includes(translate('fr', 'mes.search.birthDate.future')));
    assert.match(response.body, /value="2999-01-01"/);
  });

  test('a PDF of 4 MB is taken, one of 4 MB and one byte is refused with nothing stored', async () => {
    const limit = 4 * 1024 * 1024;
    const before = await storedCount();
    const tooLarge = await upload(await pdfOfSize(limit + 1));
    assert.equal(tooLarge.statusCode, 413);
    assert.ok(tooLarge.body.includes(translate('fr', 'files.upload.tooLarge', { size: '4 Mo' }).slice(0, 20)), 'the page says why');
    assert.equal(await storedCount(), before, 'no file row');
    const documents = await t.db.select().from(requestDocument).where(eq(requestDocument.requestId, requestId));
    assert.equal(documents.length, 0, 'no document row');

    const atLimit = await upload(await pdfOfSize(limit));
    assert.equal(atLimit.statusCode, 303);
    assert.equal(await storedCount(), before + 1);
  });
});
