import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { createTestAccount, pageShows, signedInClient, signInAs, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp } from '../../platform/testing/app.js';
import { ctxOf } from '../enterprises/members-test-support.js';
import { samplePdf } from '../mes/test-support.js';
import { contactParent } from './messaging.js';
import { messagingRoutes } from './routes-messaging.js';
import { message, messageThread } from './schema.js';
import { childInReserve, coordinatingOfficeOf, publishedProvider } from './test-support.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp();
});
after(async () => t?.close());

const settings = () => ({ publicUrl: t.config.publicUrl, fileStore: t.app.files });
const noFile = { name: 'attachment', filename: '', content: Buffer.alloc(0) };


describe('messaging through the pages', () => {
  test('the provider contacts the parent from the réserve; the parent sees the unread count, reads, replies with a PDF; a non-PDF is refused and the text kept', async () => {
    const cpe = await publishedProvider(t.db, 'cpe');
    const family = await childInReserve(t.db, cpe.siteId, { firstName: 'Zoé' });
    const provider = await signedInClient(t, cpe.reserveUser);
    const file = await provider.get(`/entreprise/reserves/${cpe.siteId}/enfants/${family.choice.id}`);
    const contactUrl = `/entreprise/messages/reserve/${cpe.siteId}/${family.choice.id}`;
    assert.ok(file.body.includes(`href="${contactUrl}"`));
    assert.equal((await provider.get(contactUrl)).statusCode, 200);
    const empty = await provider.post(contactUrl, { subject: 'Place disponible', body: '' });
    assert.equal(empty.statusCode, 400);
    assert.ok(pageShows(empty.body, 'portal.message.body.required') && empty.body.includes('value="Place disponible"'));
    const sent = await provider.post(contactUrl, { subject: 'Place disponible', body: 'Pouvez-vous nous appeler?' });
    assert.equal(sent.statusCode, 303);
    const [thread] = await t.db.select().from(messageThread).where(eq(messageThread.choiceId, family.choice.id));
    assert.ok(thread);

    const parent = await signedInClient(t, family.parent);
    const space = await parent.get('/famille');
    assert.ok(pageShows(space.body, 'portal.message.linkUnread', { count: 1 }));
    const read = await parent.get(`/messages/${thread.id}`);
    assert.ok(read.body.includes('Pouvez-vous nous appeler?'));
    assert.ok(pageShows((await parent.get('/famille')).body, 'portal.message.title'), 'read once opened');

    const notPdf = await parent.postMultipart(`/messages/${thread.id}`, { body: 'Voici le document' }, { name: 'attachment', filename: 'photo.pdf', content: Buffer.from('GIF89a not a pdf') });
    assert.equal(notPdf.statusCode, 400);
    assert.ok(notPdf.body.includes('Voici le document'), 'the text typed is kept');
    assert.equal((await t.db.select().from(message).where(eq(message.threadId, thread.id))).length, 1, 'nothing of the refused reply is kept');
    const replied = await parent.postMultipart(`/messages/${thread.id}`, { body: 'Voici le document' }, { name: 'attachment', filename: 'preuve.pdf', content: await samplePdf('Preuve') });
    assert.equal(replied.statusCode, 303);
    const [withFile] = await t.db.select().from(message).where(eq(message.body, 'Voici le document'));
    assert.ok(withFile?.fileId);
    const plain = await parent.postMultipart(`/messages/${thread.id}`, { body: 'Merci!' }, noFile);
    assert.equal(plain.statusCode, 303);

    const workspace = await provider.get('/entreprise');
    assert.ok(pageShows(workspace.body, 'portal.message.linkUnread', { count: 2 }));
    const pdf = await provider.get(`/messages/${thread.id}/pieces/${withFile.id}`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
  });
});

describe('authorization on every messaging route', () => {
  test('anonymous visitors go to sign-in; another family, another provider, another BC, an agent without the role are refused; nothing of the thread shows', async () => {
    const rsge = await publishedProvider(t.db, 'home_provider');
    const family = await childInReserve(t.db, rsge.siteId, { firstName: 'Privée' });
    const thread = await contactParent(t.db, ctxOf(rsge.reserveUser), settings(), rsge.siteId, family.choice.id, { subject: 'Sujet confidentiel', body: 'Texte confidentiel' });
    const [first] = await t.db.select().from(message).where(eq(message.threadId, thread.id));
    assert.ok(first);

    type Route = { method: 'GET' | 'POST'; url: string; multipart?: boolean; own?: boolean };
    const routes: Route[] = [
      { method: 'GET', url: '/messages', own: true },
      { method: 'GET', url: `/messages/${thread.id}` },
      { method: 'POST', url: `/messages/${thread.id}`, multipart: true },
      { method: 'GET', url: `/messages/${thread.id}/pieces/${first.id}` },
      { method: 'GET', url: `/entreprise/messages/reserve/${rsge.siteId}/${family.choice.id}` },
      { method: 'POST', url: `/entreprise/messages/reserve/${rsge.siteId}/${family.choice.id}` },
      { method: 'GET', url: `/entreprise/messages/rsge/${rsge.siteId}` },
      { method: 'POST', url: `/entreprise/messages/rsge/${rsge.siteId}` },
      { method: 'GET', url: '/agent/annonces/nouvelle' },
      { method: 'POST', url: '/agent/annonces/nouvelle' },
    ];
    const pattern = (url: string) => url.replace(thread.id, ':threadId').replace(first.id, ':messageId').replace(rsge.siteId, ':siteId').replace(family.choice.id, ':choiceId');
    assert.deepEqual(new Set(routes.map((r) => `${r.method} ${pattern(r.url)}`)), new Set(messagingRoutes));
    assert.deepEqual(new Set(t.app.routeList.filter((r) => r.startsWith('GET /messages') || r.startsWith('POST /messages') || r.includes('/entreprise/messages') || r.includes('/agent/annonces'))), new Set(messagingRoutes));

    const other = await childInReserve(t.db, rsge.siteId);
    const otherBc = await coordinatingOfficeOf(t.db, await publishedProvider(t.db, 'home_provider'));
    const actors: { name: string; who: TestAccount | null }[] = [
      { name: 'anonymous', who: null },
      { name: 'another family of the same réserve', who: other.parent },
      { name: 'a CPE with « Gérer la réserve »', who: (await publishedProvider(t.db, 'cpe')).reserveUser },
      { name: 'another BC', who: otherBc.reserveUser },
      { name: 'an agent without the famille role', who: await createTestAccount(t.db, 'agent', { agentRoles: [{ role: 'registry', directorateCode: null }] }) },
    ];
    for (const actor of actors) {
      const c = t.client();
      if (actor.who) assert.equal((await signInAs(c, actor.who)).statusCode, 303, actor.name);
      await c.get(actor.who ? '/compte' : '/connexion');
      const csrf = c.csrf();
      for (const route of routes) {
        const label = `${actor.name} → ${route.method} ${route.url}`;
        const response = route.method === 'GET' ? await c.get(route.url) : route.multipart ? await c.postMultipart(route.url, { body: 'Intrus' }, noFile, { csrf }) : await c.post(route.url, { subject: 'Intrus', body: 'Intrus' }, { csrf });
        if (!actor.who) assert.equal(response.statusCode, 303, label);
        else if (route.own) assert.equal(response.statusCode, 200, label);
        else assert.equal(response.statusCode, 403, `${label}: ${response.statusCode}`);
        for (const secret of ['Sujet confidentiel', 'Texte confidentiel', 'Privée', family.child.registrationNumber]) assert.ok(!response.body.includes(secret), `${label} shows nothing of the thread`);
      }
    }
    assert.equal((await t.db.select().from(message).where(eq(message.threadId, thread.id))).length, 1, 'nobody else wrote in it');
    const intruded = await t.db.select().from(messageThread).where(eq(messageThread.subject, 'Intrus'));
    assert.deepEqual(intruded, [], 'nobody else started a thread');
  });
});
