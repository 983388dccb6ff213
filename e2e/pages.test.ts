import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  assertIncludes,
  button,
  en,
  expectAccessible,
  fr,
  navigating,
  pathOf,
  startE2E,
  visit,
  waitForFocus,
  withPage,
  type E2E,
} from './support.js';

/** Set E2E_SCREENSHOTS=/some/dir to keep screenshots of the home and sign-in pages there. */
const screenshots = process.env.E2E_SCREENSHOTS;

describe('public pages in the browser', () => {
  let env: E2E;
  before(async () => {
    env = await startE2E();
  });
  after(async () => {
    await env?.close();
  });

  test('the home page is accessible and in French by default', async () => {
    await withPage(env, async (page) => {
      await visit(page, '/');
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
      assert.equal(await page.title(), `${fr('home.title')} | ${fr('site.name')}`);
      assert.ok(await page.getByRole('banner').getByRole('img', { name: fr('site.logoAlt') }).isVisible());
      if (screenshots) await page.screenshot({ path: path.join(screenshots, 'guichet-home.png'), fullPage: true });
      await visit(page, '/connexion');
      if (screenshots) await page.screenshot({ path: path.join(screenshots, 'guichet-connexion.png'), fullPage: true });
    });
  });

  test('the registration page is accessible, with and without errors', async () => {
    await withPage(env, async (page) => {
      await visit(page, '/inscription');
      await navigating(page, () => button(page, 'register.submit').click());
      assert.equal(pathOf(page), '/inscription');
      await waitForFocus(page, '#error-summary');
      assert.equal(await page.locator('#error-summary li').count(), 4);
      assert.equal(await page.locator('[aria-invalid="true"]').count(), 4);
      await expectAccessible(page);
    });
  });

  test('the forgotten-password, accessibility and not-found pages are accessible', async () => {
    await withPage(env, async (page) => {
      await visit(page, '/mot-de-passe/oubli');
      assert.equal(await page.locator('h1').textContent(), fr('forgot.title'));
      await visit(page, '/accessibilite');
      assert.equal(await page.locator('h1').textContent(), fr('footer.accessibility'));
      const response = await page.goto('/page-qui-n-existe-pas');
      assert.equal(response?.status(), 404);
      await expectAccessible(page);
      assert.equal(await page.locator('h1').textContent(), fr('error.notFound.title'));
    });
  });

  test('the pages work under the app’s own Content Security Policy', async () => {
    await withPage(
      env,
      async (page) => {
        const problems: string[] = [];
        page.on('console', (message) => {
          if (/Content Security Policy/i.test(message.text())) problems.push(message.text());
        });
        page.on('pageerror', (error) => problems.push(error.message));
        // Forms answer 400 on purpose; the style sheets, scripts, images and fonts must all load.
        page.on('response', (r) => {
          if (r.request().resourceType() !== 'document' && r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
        });
        page.on('requestfailed', (r) => problems.push(`${r.failure()?.errorText ?? 'failed'} ${r.url()}`));
        const response = await page.goto('/');
        assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
        await page.goto('/inscription');
        await navigating(page, () => button(page, 'register.submit').click());
        // The focus moves to the error summary only if public/app.js was allowed to run.
        await waitForFocus(page, '#error-summary');
        assert.deepEqual(problems, []);
      },
      { enforceCsp: true },
    );
  });

  test('the language link switches to English and back, and the choice persists', async () => {
    await withPage(env, async (page) => {
      await visit(page, '/');
      await navigating(page, () => page.getByRole('link', { name: fr('nav.otherLanguage'), exact: true }).click());
      assert.equal(pathOf(page), '/');
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.title(), `${en('home.title')} | ${en('site.name')}`);
      await expectAccessible(page);
      const cookies = await page.context().cookies();
      assert.ok(cookies.some((c) => c.name === 'guichet_langue' && c.value === 'en'), 'the language cookie should be set');

      // The choice holds on the next page, although the browser asks for French first.
      await navigating(page, () => page.getByRole('banner').getByRole('link', { name: en('nav.signIn'), exact: true }).click());
      assert.equal(pathOf(page), '/connexion');
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.locator('h1').textContent(), en('signin.title'));
      await expectAccessible(page);

      await navigating(page, () => page.getByRole('link', { name: en('nav.otherLanguage'), exact: true }).click());
      assert.equal(pathOf(page), '/connexion');
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
      assert.equal(await page.title(), `${fr('signin.title')} | ${fr('site.name')}`);
      assertIncludes(await page.locator('main').innerText(), fr('signin.intro'));
      await expectAccessible(page);
    });
  });
});
