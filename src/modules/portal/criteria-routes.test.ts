import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { LANG_COOKIE_NAME } from '../../platform/http/navigation.js';
import { translate } from '../../platform/i18n/index.js';
import { createTestAccount, signedInClient, type TestAccount } from '../../platform/testing/accounts.js';
import { buildTestApp, type TestApp, type TestClient } from '../../platform/testing/app.js';
import { todayInQuebec } from '../childcare/service.js';
import { addMonths, registerChild } from './families.js';
import { criteriaAgentRoutes } from './routes-criteria.js';
import { choiceCriterion, priorityCriterion, reserveChoice, siteCriterion } from './schema.js';
import { citizenCtx, portalUser, publishedProvider } from './test-support.js';

let t: TestApp;
let provider: Awaited<ReturnType<typeof publishedProvider>>;
let sheetUser: TestAccount;
/** Signed in once in `before`, shared by both tests. */
let sheetClient: TestClient;

before(async () => {
  t = await buildTestApp();
  provider = await publishedProvider(t.db, 'cpe');
  sheetUser = await portalUser(t.db, provider, ['manage_sheet'], 'Fiche');
  sheetClient = await signedInClient(t, sheetUser);
});
after(async () => t?.close());

const fr = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate('fr', key, params);
const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);


async function criterion(code: string): Promise<{ id: string; labelFr: string; labelEn: string }> {
  const [row] = await t.db.select().from(priorityCriterion).where(eq(priorityCriterion.code, code));
  assert.ok(row, code);
  return row;
}

describe('the provider publishes its criteria; parents declare them; the réserve shows them', () => {
  test('publish in order, errors in French and English, the public sheet, the choice form and its change, the réserve’s column', async () => {
    const [sibling, staff] = [await criterion('sibling'), await criterion('staff_child')];
    const client = sheetClient;
    const url = `/entreprise/fiches/${provider.siteId}/criteres`;
    assert.ok((await client.get(`/entreprise/fiches/${provider.siteId}`)).body.includes(`href="${url}"`), 'the sheet links to its criteria');
    const form = await client.get(url);
    assert.equal(form.statusCode, 200);
    assert.ok(form.body.includes(fr('portal.criteria.current.none')) && form.body.includes('name="position6"') && !form.body.includes('name="position7"'));

    const duplicate = await client.post(url, { position1: sibling.id, position2: sibling.id });
    assert.equal(duplicate.statusCode, 400);
    assert.ok(duplicate.body.includes(fr('portal.criteria.duplicate')) && duplicate.body.includes('id="error-summary"'));
    client.cookies.set(LANG_COOKIE_NAME, 'en');
    const english = await client.post(url, { position1: '00000000-0000-4000-8000-000000000000' });
    assert.equal(english.statusCode, 400);
    assert.ok(english.body.includes(translate('en', 'portal.criteria.unknown')));
    client.cookies.set(LANG_COOKIE_NAME, 'fr');
    assert.deepEqual(await t.db.select().from(siteCriterion).where(eq(siteCriterion.installationId, provider.siteId)), [], 'nothing published');

    // An empty first select: the list closes its gaps.
    const published = await client.post(url, { position1: '', position2: staff.id, position3: sibling.id });
    assert.equal(published.statusCode, 303);
    assert.ok((await client.follow(published)).body.includes(fr('portal.criteria.published')));
    const rows = await t.db.select().from(siteCriterion).where(eq(siteCriterion.installationId, provider.siteId));
    assert.deepEqual(rows.map((r) => [r.criterionId, r.position]).sort((a, b) => Number(a[1]) - Number(b[1])), [[staff.id, 1], [sibling.id, 2]]);

    const publicPage = await t.client().get(`/services/${provider.siteId}`);
    assert.ok(publicPage.body.includes(fr('portal.criteria.public')));
    assert.ok(publicPage.body.indexOf(staff.labelFr) < publicPage.body.indexOf(sibling.labelFr) && publicPage.body.includes(sibling.labelFr), 'in the provider’s order');

    // The parent declares « sibling » on the choice form, then changes it to « staff ».
    const parent = await createTestAccount(t.db, 'citizen');
    const child = await registerChild(t.db, citizenCtx(parent), { firstName: 'Zoé', lastName: 'Gagnon', birthDate: addMonths(todayInQuebec(), -20) });
    const parentClient = await signedInClient(t, parent);
    const choiceForm = await parentClient.get(`/services/${provider.siteId}/inscrire`);
    assert.ok(choiceForm.body.includes(fr('portal.criteria.choice')) && choiceForm.body.includes(`value="${sibling.id}"`) && choiceForm.body.includes(staff.labelFr));
    const chosen = await parentClient.post(`/services/${provider.siteId}/inscrire`, { childId: child.id, desiredStart: inDays(60), days: 'mon', periods: 'full_time', criteria: sibling.id });
    assert.equal(chosen.statusCode, 303);
    const [choice] = await t.db.select().from(reserveChoice).where(and(eq(reserveChoice.childId, child.id), eq(reserveChoice.installationId, provider.siteId)));
    assert.ok(choice);
    assert.equal(choice.criteriaKey, 32, 'position 1 (staff) not met');
    const edit = await parentClient.get(`/famille/choix/${choice.id}`);
    assert.match(edit.body, new RegExp(`value="${sibling.id}"\\s+checked`));
    assert.equal((await parentClient.post(`/famille/choix/${choice.id}`, { desiredStart: inDays(60), days: 'mon', periods: 'full_time', criteria: staff.id })).statusCode, 303);
    assert.deepEqual((await t.db.select().from(choiceCriterion).where(eq(choiceCriterion.choiceId, choice.id))).map((d) => d.criterionId), [staff.id]);

    const reserveClient = await signedInClient(t, provider.reserveUser);
    const reserve = await reserveClient.get(`/entreprise/reserves/${provider.siteId}`);
    assert.equal(reserve.statusCode, 200);
    assert.ok(reserve.body.includes(fr('portal.criteria.current')) && reserve.body.includes(`<th scope="col">${fr('portal.criteria.reserve')}</th>`));
    assert.ok(reserve.body.includes(staff.labelFr));
    const file = await reserveClient.get(`/entreprise/reserves/${provider.siteId}/enfants/${choice.id}`);
    assert.ok(file.body.includes(`1. ${staff.labelFr}`) && file.body.includes(fr('portal.criteria.verification.pending')), 'the child’s file names the declared criteria, to check');
    const verifyUrl = `/entreprise/reserves/${provider.siteId}/enfants/${choice.id}/criteres/${staff.id}`;
    assert.ok(file.body.includes(`action="${verifyUrl}"`));
    assert.equal((await reserveClient.post(verifyUrl, { verification: 'maybe' })).statusCode, 400);
    const verified = await reserveClient.post(verifyUrl, { verification: 'confirmed' });
    assert.equal(verified.statusCode, 303);
    const after = await reserveClient.follow(verified);
    assert.ok(after.body.includes(fr('portal.criteria.verify.done')) && after.body.includes(fr('portal.criteria.verification.confirmed')));
    assert.equal((await t.db.select().from(choiceCriterion).where(eq(choiceCriterion.choiceId, choice.id)))[0]?.verification, 'confirmed');
    const parentSees = await parentClient.get(`/famille/choix/${choice.id}`);
    assert.ok(parentSees.body.includes(fr('portal.criteria.choice.checked', { label: staff.labelFr, state: fr('portal.criteria.verification.confirmed') })), 'the parent sees the provider’s check');
  });
});

describe('the ministry’s list, for its agents', () => {
  test('a Famille agent adds and retires a criterion; every route refuses other agents, citizens and enterprise users', async () => {
    assert.deepEqual(new Set(t.app.routeList.filter((r) => r.includes('/agent/criteres'))), new Set(criteriaAgentRoutes));
    const agent = await createTestAccount(t.db, 'agent', { agentRoles: [{ role: 'famille', directorateCode: '11' }] });
    const client = await signedInClient(t, agent);
    assert.ok((await client.get('/agent')).body.includes('href="/agent/criteres"'));
    const page = await client.get('/agent/criteres');
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('sibling') && page.body.includes(fr('portal.criteria.list.title')));
    const bad = await client.post('/agent/criteres', { code: 'Pas bon', labelFr: 'Libellé', labelEn: '' });
    assert.equal(bad.statusCode, 400);
    assert.ok(bad.body.includes(fr('portal.criteria.code.invalid')) && bad.body.includes('value="Libellé"'));
    const added = await client.post('/agent/criteres', { code: 'adoption', labelFr: 'Enfant adopté <récemment>', labelEn: 'Recently adopted child' });
    assert.equal(added.statusCode, 303);
    const shown = await client.follow(added);
    assert.ok(shown.body.includes(fr('portal.criteria.list.added')) && shown.body.includes('Enfant adopté &lt;récemment>'));
    const adoption = await criterion('adoption');

    const registry = await createTestAccount(t.db, 'agent', { agentRoles: [{ role: 'registry', directorateCode: null }] });
    const refused: TestClient[] = [await signedInClient(t, registry), await signedInClient(t, await createTestAccount(t.db, 'citizen')), sheetClient];
    const routes = [
      { method: 'GET', url: '/agent/criteres' },
      { method: 'POST', url: '/agent/criteres' },
      { method: 'POST', url: `/agent/criteres/${adoption.id}/retirer` },
    ] as const;
    assert.deepEqual(new Set(routes.map((r) => `${r.method} ${r.url.replace(adoption.id, ':criterionId')}`)), new Set(criteriaAgentRoutes), 'every route is tried');
    for (const c of refused) {
      await c.get('/compte');
      const csrf = c.csrf();
      for (const route of routes) {
        const body: Record<string, string> = route.url.endsWith('/retirer') ? {} : { code: 'intrus', labelFr: 'Intrus', labelEn: 'Intruder' };
        const response = route.method === 'GET' ? await c.get(route.url) : await c.post(route.url, body, { csrf });
        assert.equal(response.statusCode, 403, `${route.method} ${route.url}`);
      }
    }
    const anonymous = t.client();
    const redirected = await anonymous.get('/agent/criteres');
    assert.equal(redirected.statusCode, 303);
    assert.equal((await t.db.select().from(priorityCriterion).where(eq(priorityCriterion.code, 'intrus'))).length, 0);

    await client.get('/agent/criteres');
    const retired = await client.post(`/agent/criteres/${adoption.id}/retirer`, {});
    assert.equal(retired.statusCode, 303);
    assert.ok((await criterion('adoption')) && (await t.db.select().from(priorityCriterion).where(eq(priorityCriterion.id, adoption.id)))[0]?.retiredAt);
    const settings = await sheetClient.get(`/entreprise/fiches/${provider.siteId}/criteres`);
    assert.ok(!settings.body.includes(`value="${adoption.id}"`), 'a retired criterion is not offered');
  });
});
