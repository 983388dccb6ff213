import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { anonymous } from '../src/platform/context.js';
import type { TestAccount } from '../src/platform/testing/accounts.js';
import { todayInQuebec } from '../src/modules/childcare/service.js';
import { addMonths } from '../src/modules/portal/families.js';
import { publishedSheet } from '../src/modules/portal/service.js';
import { coordinatingOfficeOf, createProvider, homeAddress, portalUser, publishedProvider, type PortalProvider } from '../src/modules/portal/test-support.js';
import { assertIncludes, button, expectAccessible, field, fr, linksOf, navigating, pathOf, startE2E, submitPassword, submitTotp, visit, type E2E } from './support.js';

/**
 * Seed 003, one story in steps that follow each other (issue 7's « done when »):
 * 1. « Comment les RSGE peuvent-elles … compléter la fiche descriptive »: an RSGE signs in, opens
 *    its sheet (its adhesion), sees its places already there, makes a mistake in its hours (field
 *    errors, values kept), completes the sheet, and publishes it after a confirmation;
 * 2. a visitor finds it on the map within 5 km of a postal code, at its approximate position only;
 * 3. « Réserve de clientèle »: a parent creates an account, registers two siblings, chooses that
 *    RSGE from the map and a CPE from its page, and sees each choice with its rank; the RSGE sees
 *    the siblings in its réserve, flagged as siblings, ordered by desired date, and opens one
 *    child's file;
 * 4. (issue 8) the RSGE authorizes its BC; the BC contacts the parent of one of them with a portal
 *    message, admits the child from the RSGE's réserve,
 *    finds the admission by the child's name and confirms it, and records the service agreement;
 *    the parent gets the mails, sees the admission and the agreement, and keeps the child's other
 *    choice; later the BC records the cessation, which the parent sees and is mailed, and suspends
 *    the RSGE in the Registre: it leaves the map.
 * Every page is scanned with axe.
 */
describe('an RSGE publishes its sheet, is found on the map and chosen by a family, and sees its réserve', () => {
  let env: E2E;
  let rsge: PortalProvider;
  let julie: TestAccount;
  let reserveUser: TestAccount;
  let cpe: Awaited<ReturnType<typeof publishedProvider>>;
  let bc: Awaited<ReturnType<typeof coordinatingOfficeOf>>;

  before(async () => {
    env = await startE2E();
    rsge = await createProvider(env.t.db, 'home_provider');
    julie = await portalUser(env.t.db, rsge, ['manage_sheet'], 'Julie');
    reserveUser = await portalUser(env.t.db, rsge, ['manage_reserve'], 'Reserve');
    cpe = await publishedProvider(env.t.db, 'cpe');
    bc = await coordinatingOfficeOf(env.t.db, rsge);
  });
  after(async () => env?.close());

  /** Clicks a button or link that navigates, then scans the page reached. */
  async function go(page: Page, action: () => Promise<void>): Promise<void> {
    await navigating(page, action);
    await expectAccessible(page);
  }

  test('completes and publishes its sheet; the public view has no exact address', async () => {
    const page = await env.newPage();
    try {
      await submitPassword(page, julie);
      await submitTotp(page, julie);
      await visit(page, '/entreprise');
      await go(page, () => page.getByRole('link', { name: fr('portal.workspace.link'), exact: true }).click());
      assertIncludes(await page.locator('main').innerText(), fr('portal.state.not_adhered'));
      await go(page, () => page.getByRole('link', { name: fr('portal.sheets.open', { name: rsge.siteName }) }).click());
      const first = await page.locator('main').innerText();
      assertIncludes(first, fr('portal.sheet.adhered'));
      assertIncludes(first, fr('portal.sheet.places.under18', { count: 2 }));

      // A closing time before the opening time: the error, the values kept.
      for (const day of ['mon', 'tue', 'wed', 'thu', 'fri'] as const) await page.getByLabel(fr(`portal.day.${day}`), { exact: true }).check();
      await field(page, 'portal.sheet.opensAt').fill('17:30');
      await field(page, 'portal.sheet.closesAt').fill('07:00');
      await page.getByRole('textbox', { name: fr('portal.sheet.presentation'), exact: true }).fill('Un milieu familial chaleureux, près du parc Beauséjour.');
      await go(page, () => button(page, 'portal.sheet.save').click());
      assertIncludes(await page.locator('#error-summary').innerText(), fr('portal.sheet.hours.closeBeforeOpen'));
      assert.equal(await page.getByRole('textbox', { name: fr('portal.sheet.presentation'), exact: true }).inputValue(), 'Un milieu familial chaleureux, près du parc Beauséjour.');
      assert.ok(await page.getByLabel(fr('portal.day.wed'), { exact: true }).isChecked(), 'the days checked stay checked');

      await field(page, 'portal.sheet.opensAt').fill('07:00');
      await field(page, 'portal.sheet.closesAt').fill('17:30');
      await page.getByRole('textbox', { name: fr('portal.sheet.groupComposition'), exact: true }).fill('Six enfants de 18 mois à 5 ans, dont deux poupons.');
      await page.getByLabel(fr('portal.period.full_time'), { exact: true }).check();
      await page.getByLabel(fr('portal.language.fr'), { exact: true }).check();
      await page.getByLabel(fr('portal.section.presentation'), { exact: true }).check();
      await go(page, () => button(page, 'portal.sheet.save').click());
      assertIncludes(await page.locator('main').innerText(), fr('portal.sheet.saved'));

      await go(page, () => page.getByRole('link', { name: fr('portal.sheet.publishLink'), exact: true }).click());
      assertIncludes(await page.locator('main').innerText(), fr('portal.publish.text'));
      await go(page, () => button(page, 'portal.publish.confirm').click());
      assertIncludes(await page.locator('main').innerText(), fr('portal.publish.done'));

      const view = await publishedSheet(env.t.db, { actor: anonymous, lang: 'fr', requestId: null, ip: null }, rsge.siteId);
      assert.ok(view);
      assert.equal(view.presentation, 'Un milieu familial chaleureux, près du parc Beauséjour.');
      assert.ok(!('groupComposition' in view), 'a section not checked stays private');
      const json = JSON.stringify(view);
      for (const secret of [homeAddress.address, homeAddress.postalCode, String(homeAddress.latitude), String(homeAddress.longitude)]) assert.ok(!json.includes(secret), secret);
    } finally {
      await page.context().close();
    }
  });

  /** Tiles come from elsewhere; here they always fail, as when the tile server is unreachable. */
  async function withoutTiles(page: Page): Promise<void> {
    await page.route(/tile\.openstreetmap\.org/, (route) => route.abort());
  }

  const exactValues = [homeAddress.address, homeAddress.postalCode, String(homeAddress.latitude), String(homeAddress.longitude)];

  test('a visitor finds it on the map within 5 km of a postal code, at its approximate position only; the page works with the keyboard and without tiles', async () => {
    const page = await env.newPage();
    try {
      await withoutTiles(page);
      await visit(page, '/');
      await go(page, () => page.getByRole('link', { name: fr('portal.map.link'), exact: true }).click());
      // Another postal code of the home's area: the visitor does not know the home's own.
      await field(page, 'portal.map.place').fill('G5L 1A1');
      await field(page, 'portal.map.radius').fill('5');
      await go(page, () => button(page, 'portal.map.search').click());
      assert.match(page.url(), /\/carte\?lieu=G5L\+1A1&rayon=5/, 'the search is a shareable URL');

      const entry = page.locator(`.map-entry[data-site="${rsge.siteId}"]`);
      const text = await entry.innerText();
      assertIncludes(text, fr('portal.map.kind.home_provider'));
      assertIncludes(text, fr('portal.map.approximate'));
      assertIncludes(text, fr('portal.public.placesValue', { total: 6, under18: 2 }));
      await page.locator('.leaflet-marker-icon').first().waitFor();
      assertIncludes(await page.locator('.map-tiles-failed').innerText(), fr('portal.map.tilesFailed'));
      await expectAccessible(page);
      const html = await page.content();
      for (const secret of exactValues) assert.ok(!html.includes(secret), secret);

      // The keyboard alone: to the entry's « Voir sur la carte », Enter opens its marker's summary.
      const show = entry.getByRole('button', { name: fr('portal.map.showOnMap') });
      await show.focus();
      await page.keyboard.press('Enter');
      const popup = page.locator('.leaflet-popup-content');
      await popup.waitFor();
      assertIncludes(await popup.innerText(), fr('portal.map.approximate'));
      await expectAccessible(page);
      await go(page, () => popup.getByRole('link', { name: new RegExp(fr('portal.map.details')) }).click());
      assert.equal(new URL(page.url()).pathname, `/services/${rsge.siteId}`);
      assertIncludes(await page.locator('main').innerText(), fr('portal.public.approximate', { municipality: homeAddress.municipality }));
      const sheet = await page.content();
      for (const secret of exactValues) assert.ok(!sheet.includes(secret), secret);
    } finally {
      await page.context().close();
    }
  });

  test('with the app’s Content-Security-Policy enforced, Leaflet draws the markers and nothing is blocked', async () => {
    const page = await env.newPage({ enforceCsp: true });
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    try {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await withoutTiles(page);
      await page.goto('/carte?lieu=G5L&rayon=10');
      await page.locator(`.leaflet-marker-icon[title]`).first().waitFor();
      assert.ok((await page.locator('.leaflet-marker-icon').count()) >= 1);
      assert.ok(await page.locator('#map').isVisible());
      assert.deepEqual(blocked, []);
      assert.deepEqual(errors, []);
    } finally {
      await page.context().close();
    }
  });

  const today = todayInQuebec();

  async function registerChild(page: Page, firstName: string, birthDate: string): Promise<string> {
    await go(page, () => page.getByRole('link', { name: fr('portal.family.children.add'), exact: true }).click());
    await field(page, 'portal.child.firstName').fill(firstName);
    await field(page, 'portal.child.lastName').fill('Bouchard');
    await field(page, 'portal.child.birthDate').fill(birthDate);
    await go(page, () => button(page, 'portal.child.register').click());
    const confirmation = await page.locator('main').innerText();
    assertIncludes(confirmation, fr('portal.child.registered'));
    const number = /P-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}/.exec(confirmation)?.[0];
    assert.ok(number, 'the printable registration number');
    await go(page, () => page.getByRole('link', { name: fr('portal.family.cancel'), exact: true }).click());
    return number;
  }

  /** Chooses from a service's page, reached from the map's list (`viaMap`) or directly. */
  async function choose(page: Page, siteId: string, child: string, desiredStart: string, viaMap = false): Promise<void> {
    if (viaMap) {
      await visit(page, '/carte?lieu=G5L+1A1&rayon=5');
      await go(page, () => page.locator(`.map-entry[data-site="${siteId}"]`).getByRole('link', { name: new RegExp(fr('portal.map.details')) }).click());
      assert.equal(pathOf(page), `/services/${siteId}`);
    } else {
      await visit(page, `/services/${siteId}`);
    }
    await go(page, () => page.getByRole('link', { name: fr('portal.public.register'), exact: true }).click());
    await page.getByLabel(new RegExp(`^${fr('portal.choice.child')}`)).selectOption({ label: child });
    await field(page, 'portal.choice.desiredStart').fill(desiredStart);
    await go(page, () => button(page, 'portal.choice.submit').click());
    assertIncludes(await page.locator('main').innerText(), fr('portal.choice.made'));
  }

  test('a parent registers two siblings and chooses that RSGE from the map and a CPE; the RSGE sees them and authorizes its BC, which contacts a parent, admits, confirms, records the agreement and later its cessation; the parent sees each step and answers', async () => {
    const email = `famille.${Date.now()}@example.com`;
    const password = 'Une-phrase-de-passe-solide-2026';
    const parent = await env.newPage();
    let olderNumber = '';
    let youngerNumber = '';
    try {
      await visit(parent, '/inscription');
      await parent.locator('#displayName').fill('Émilie Bouchard');
      await parent.locator('#email').fill(email);
      await parent.locator('#password').fill(password);
      await parent.locator('#confirmPassword').fill(password);
      await go(parent, () => button(parent, 'register.submit').click());
      const mail = await env.mails.waitFor(email, (m) => m.subject === fr('mail.verifyEmail.subject'));
      const link = linksOf(mail).find((l) => l.includes('/inscription/confirmer/'));
      assert.ok(link, 'the confirmation link');
      await visit(parent, new URL(link).pathname);
      await go(parent, () => button(parent, 'confirm.submit').click());

      await submitPassword(parent, { account: { id: '', displayName: '' } as never, identifier: email, password, totpSecret: null });
      await visit(parent, '/compte');
      await go(parent, () => parent.getByRole('link', { name: fr('portal.family.link'), exact: true }).click());
      assert.equal(pathOf(parent), '/famille');

      await go(parent, () => parent.getByRole('link', { name: fr('portal.family.guardians.add'), exact: true }).click());
      await field(parent, 'portal.family.name').fill('Émilie Bouchard');
      await field(parent, 'portal.family.phone').fill('418 555-0188');
      await go(parent, () => button(parent, 'portal.family.save').click());
      assertIncludes(await parent.locator('main').innerText(), fr('portal.family.saved'));

      olderNumber = await registerChild(parent, 'Rosalie', addMonths(today, -26));
      youngerNumber = await registerChild(parent, 'Mathis', addMonths(today, -9));

      // The younger wants to start first: the réserve's order is the desired date.
      await choose(parent, rsge.siteId, `Rosalie Bouchard (${olderNumber})`, addMonths(today, 4), true);
      await choose(parent, rsge.siteId, `Mathis Bouchard (${youngerNumber})`, addMonths(today, 2), true);
      await choose(parent, cpe.siteId, `Rosalie Bouchard (${olderNumber})`, addMonths(today, 3));

      const family = await parent.locator('main').innerText();
      assert.equal((family.match(new RegExp(fr('portal.family.rank', { from: '1er', to: '5e' }), 'g')) ?? []).length, 3, 'each choice with its rank');
      assert.equal((family.match(new RegExp(fr('portal.choiceState.waiting'), 'g')) ?? []).length, 3);
    } finally {
      await parent.context().close();
    }

    const provider = await env.newPage();
    try {
      await submitPassword(provider, reserveUser);
      await submitTotp(provider, reserveUser);
      await visit(provider, '/entreprise');
      await go(provider, () => provider.getByRole('link', { name: fr('portal.reserves.link'), exact: true }).click());
      await go(provider, () => provider.getByRole('link', { name: fr('portal.reserves.open', { name: rsge.siteName }), exact: true }).click());
      const rows = await provider.locator('table.data-table tbody tr').allInnerTexts();
      assert.equal(rows.length, 2);
      assertIncludes(rows[0] ?? '', youngerNumber);
      assertIncludes(rows[1] ?? '', olderNumber);
      for (const row of rows) assertIncludes(row, fr('portal.reserve.siblings.yes', { count: 1 }));

      await go(provider, () => provider.getByRole('link', { name: fr('portal.reserve.openChild', { name: 'Rosalie Bouchard' }), exact: true }).click());
      const file = await provider.locator('main').innerText();
      assertIncludes(file, '418 555-0188');
      assertIncludes(file, `Mathis Bouchard (${youngerNumber})`);

      // Issue 8: the RSGE authorizes its BC to admit in its place.
      await visit(provider, '/entreprise/reserves');
      await go(provider, () => provider.getByRole('link', { name: fr('portal.admission.title'), exact: true }).click());
      await go(provider, () => provider.getByRole('link', { name: fr('portal.bc.title'), exact: true }).click());
      await go(provider, () => button(provider, 'portal.bc.grant').click());
      assertIncludes(await provider.locator('main').innerText(), fr('portal.bc.granted'));
    } finally {
      await provider.context().close();
    }

    // The BC admits Rosalie from the RSGE's réserve (a past date refused first), confirms the
    // admission, and records the service agreement.
    const office = await env.newPage();
    await submitPassword(office, bc.reserveUser);
    await submitTotp(office, bc.reserveUser);
    await visit(office, '/entreprise');
    await go(office, () => office.getByRole('link', { name: fr('portal.reserves.link'), exact: true }).click());
    await go(office, () => office.getByRole('link', { name: fr('portal.reserves.open', { name: rsge.siteName }), exact: true }).click());
    await go(office, () => office.getByRole('link', { name: fr('portal.reserve.openChild', { name: 'Rosalie Bouchard' }), exact: true }).click());
    // « Contacter le parent » first: a portal message, and a mail that does not carry it.
    await go(office, () => office.getByRole('link', { name: fr('portal.message.contact.link'), exact: true }).click());
    await field(office, 'portal.message.subject').fill('Une place pour Rosalie');
    await field(office, 'portal.message.body').fill('Une place se libère. Pouvez-vous confirmer la date de début?');
    await go(office, () => button(office, 'portal.message.send').click());
    assertIncludes(await office.locator('main').innerText(), 'Une place se libère.');
    await visit(office, '/entreprise/reserves');
    await go(office, () => office.getByRole('link', { name: fr('portal.reserves.open', { name: rsge.siteName }), exact: true }).click());
    await go(office, () => office.getByRole('link', { name: fr('portal.reserve.openChild', { name: 'Rosalie Bouchard' }), exact: true }).click());
    await go(office, () => office.getByRole('link', { name: fr('portal.admission.fromReserve'), exact: true }).click());
    await field(office, 'portal.admission.plannedStart').fill(addMonths(today, -1));
    await go(office, () => button(office, 'portal.admission.submit').click());
    assertIncludes(await office.locator('main').innerText(), fr('portal.admission.plannedStart.past'));
    await field(office, 'portal.admission.plannedStart').fill(addMonths(today, 4));
    await go(office, () => button(office, 'portal.admission.submit').click());
    const admissions = await office.locator('main').innerText();
    assertIncludes(admissions, fr('portal.admission.done'));
    assertIncludes(admissions, olderNumber);

    await visit(office, '/entreprise');
    await go(office, () => office.getByRole('link', { name: fr('portal.bcSpace.link'), exact: true }).click());
    assertIncludes(await office.locator('main').innerText(), rsge.siteName);
    await go(office, () => office.getByRole('link', { name: fr('portal.bcSpace.confirm.title'), exact: true }).click());
    await field(office, 'portal.bcSpace.confirm.child').fill('rosalie');
    await go(office, () => button(office, 'portal.bcSpace.confirm.search').click());
    await go(office, () => office.getByRole('button', { name: fr('portal.bcSpace.confirm.button', { child: 'Rosalie Bouchard' }), exact: true }).click());
    assertIncludes(await office.locator('main').innerText(), fr('portal.bcSpace.confirm.done'));

    await visit(office, '/entreprise/bc');
    await go(office, () => office.getByRole('link', { name: `${rsge.siteName} (${rsge.siteNumber})`, exact: true }).click());
    await go(office, () => office.getByRole('link', { name: fr('portal.agreement.record.link'), exact: true }).click());
    await office.getByRole('radio', { name: fr('portal.agreement.contribution.other_rate.label'), exact: true }).check();
    await go(office, () => button(office, 'portal.agreement.record.submit').click());
    assertIncludes(await office.locator('main').innerText(), fr('portal.agreement.dailyRate.required'));
    await office.getByRole('radio', { name: fr('portal.agreement.contribution.reduced.label'), exact: true }).check();
    await go(office, () => button(office, 'portal.agreement.record.submit').click());
    assertIncludes(await office.locator('main').innerText(), fr('portal.agreement.recorded'));

    // The parent is told by mail at each step, sees the admission and the agreement, and keeps
    // Rosalie's other choice (the CPE).
    for (const subject of ['portal.mail.message.subject', 'portal.mail.admitted.subject', 'portal.mail.confirmed.subject', 'portal.mail.agreement.recorded.subject'] as const) {
      await env.mails.waitFor(email, (m) => m.subject === fr(subject));
    }
    const parentAgain = { account: { id: '', displayName: '' } as never, identifier: email, password, totpSecret: null };
    const back = await env.newPage();
    try {
      await submitPassword(back, parentAgain);
      await visit(back, '/famille');
      await expectAccessible(back);
      const space = await back.locator('main').innerText();
      assertIncludes(space, fr('portal.family.admission.question', { count: 1 }));
      assertIncludes(space, fr('portal.agreement.family.active', { date: addMonths(today, 4), signed: today }));
      await go(back, () => back.getByRole('button', { name: fr('portal.family.admission.keep'), exact: true }).click());
      assertIncludes(await back.locator('main').innerText(), fr('portal.family.admission.kept'));
      // The BC's message, unread until opened; the parent answers it.
      await go(back, () => back.getByRole('link', { name: fr('portal.message.linkUnread', { count: 1 }), exact: true }).click());
      await go(back, () => back.getByRole('link', { name: 'Une place pour Rosalie', exact: true }).click());
      assertIncludes(await back.locator('main').innerText(), 'Une place se libère.');
      await field(back, 'portal.message.body').fill('Oui, le début nous convient.');
      await go(back, () => button(back, 'portal.message.send').click());
      assertIncludes(await back.locator('main').innerText(), 'Oui, le début nous convient.');
    } finally {
      await back.context().close();
    }

    // Later, the BC records the cessation after its confirmation page, then suspends the RSGE in
    // the Registre: it leaves the map until 14 days before its return.
    try {
      await visit(office, '/entreprise');
      await go(office, () => office.getByRole('link', { name: fr('portal.agreement.list.title'), exact: true }).click());
      await go(office, () => office.getByRole('link', { name: 'Rosalie Bouchard', exact: true }).click());
      await go(office, () => office.getByRole('link', { name: fr('portal.agreement.end.link'), exact: true }).click());
      assertIncludes(await office.locator('main').innerText(), fr('portal.agreement.end.warning'));
      await field(office, 'portal.agreement.endDate').fill(addMonths(today, 6));
      await office.getByLabel(new RegExp(`^${fr('portal.agreement.endReason')}`)).selectOption('moved');
      await go(office, () => button(office, 'portal.agreement.end.submit').click());
      assertIncludes(await office.locator('main').innerText(), fr('portal.agreement.ended'));

      await visit(office, '/entreprise/bc');
      await go(office, () => office.getByRole('link', { name: `${rsge.siteName} (${rsge.siteNumber})`, exact: true }).click());
      await go(office, () => office.getByRole('link', { name: fr('portal.registry.recognition.link'), exact: true }).click());
      await office.getByLabel(new RegExp(`^${fr('portal.registry.newStatus')}`)).selectOption('suspended');
      await field(office, 'portal.registry.plannedReturn').fill(addMonths(today, 2));
      await field(office, 'portal.registry.reason').fill('Congé de maternité');
      await go(office, () => button(office, 'portal.registry.recognition.save').click());
      assertIncludes(await office.locator('main').innerText(), fr('portal.registry.recognition.saved'));
      await visit(office, '/carte?lieu=G5L+1A1&rayon=5');
      assert.equal(await office.locator(`.map-entry[data-site="${rsge.siteId}"]`).count(), 0, 'off the map while suspended');
    } finally {
      await office.context().close();
    }

    // The parent has the cessation's mail and sees the ended agreement.
    await env.mails.waitFor(email, (m) => m.subject === fr('portal.mail.agreement.ended.subject'));
    const last = await env.newPage();
    try {
      await submitPassword(last, parentAgain);
      await visit(last, '/famille');
      await expectAccessible(last);
      assertIncludes(await last.locator('main').innerText(), fr('portal.agreement.family.ended', { date: addMonths(today, 6), reason: fr('portal.agreement.endReason.moved') }));
    } finally {
      await last.context().close();
    }
  });
});
