// Accessibility: axe-core (from npm, injected into the page) finds no violations on every kind
// of page in English and Arabic, nor in the ticket form's states; focus is always visible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, url, violations } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PAGES = {
  home: (l) => `/${l}/`,
  section: (l) => `/${l}/users/`,
  category: (l) => `/${l}/users/account/`,
  article: (l) => `/${l}/users/account/reset-your-password/`,
  'untranslated article': (l) => `/${l}/studios/api-integrations/set-up-webhooks/`,
  contact: (l) => `/${l}/contact/?audience=users&category=account`,
  search: (l) => `/${l}/search/?q=${encodeURIComponent(l === 'ar' ? 'كلمة المرور' : 'password')}`,
  'thank-you': (l) => `/${l}/contact/thanks/?ticket=HC-TEST-1234`,
  // `helpcenter serve` answers unknown paths with the site's root 404 page; each language has its own.
  'not found': (l) => `/${l}/404.html`,
};

for (const lang of ['en', 'ar']) {
  for (const [name, path] of Object.entries(PAGES)) {
    test(`axe: ${name} page in ${lang === 'en' ? 'English' : 'Arabic'} (${path(lang)})`, async () => {
      const page = await newPage(browser);
      await page.goto(url(path(lang)));
      if (name === 'search') await page.locator('#search-results a').first().waitFor();
      assert.equal(await page.getAttribute('html', 'dir'), lang === 'ar' ? 'rtl' : 'ltr');
      const found = await violations(page);
      assert.deepEqual(found, [], `axe violations on ${path(lang)}:\n  ${found.join('\n  ')}`);
      assert.deepEqual(page.problems, []);
      await page.context().close();
    });
  }

  test(`axe at phone width (390 px) in ${lang === 'en' ? 'English' : 'Arabic'}: home, an article with a table, contact`, async () => {
    const page = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    for (const path of [`/${lang}/`, `/${lang}/users/billing-payments/request-a-refund/`, `/${lang}/contact/`]) {
      await page.goto(url(path));
      const found = await violations(page);
      assert.deepEqual(found, [], `axe violations on ${path} at 390 px:\n  ${found.join('\n  ')}`);
    }
    await page.context().close();
  });

  test(`axe: the ticket form's states in ${lang === 'en' ? 'English' : 'Arabic'}`, async () => {
    const page = await newPage(browser);
    await page.goto(url(`/${lang}/contact/?audience=users&category=account`));
    // Suggestions and the word counter while typing.
    await page.locator('#f-subject').pressSequentially(lang === 'ar' ? 'كلمة المرور' : 'reset password', { delay: 10 });
    await page.locator('#f-suggestions').waitFor({ state: 'visible' });
    let found = await violations(page);
    assert.deepEqual(found, [], `typing:\n  ${found.join('\n  ')}`);
    // Errors next to the fields and in the summary.
    await page.fill('#f-email', 'nope');
    await page.click('#ticket-form button[type=submit]');
    await page.locator('#error-summary').waitFor({ state: 'visible' });
    found = await violations(page);
    assert.deepEqual(found, [], `errors:\n  ${found.join('\n  ')}`);
    // The fallback panel.
    await page.route('**/api/tickets', (route) => route.abort('connectionrefused'));
    await page.fill('#f-email', 'visitor@example.com');
    await page.selectOption('#f-subcategory', 'sign-in');
    await page.fill('#f-description', 'Long enough to pass the checks of the form.');
    await page.click('#ticket-form button[type=submit]');
    await page.locator('#fallback-panel').waitFor({ state: 'visible' });
    found = await violations(page);
    assert.deepEqual(found, [], `fallback:\n  ${found.join('\n  ')}`);
    // Success.
    await page.unroute('**/api/tickets');
    await page.route('**/api/tickets', (route) => route.fulfill({ status: 201, contentType: 'application/json', body: '{"ticket_id":"HC-A11Y-0001","status":"stored"}' }));
    await page.click('#ticket-form button[type=submit]');
    await page.locator('#form-success').waitFor({ state: 'visible' });
    found = await violations(page);
    assert.deepEqual(found, [], `success:\n  ${found.join('\n  ')}`);
    await page.context().close();
  });

  test(`visible focus on every element reached with Tab (${lang})`, async () => {
    const page = await newPage(browser);
    for (const path of [`/${lang}/`, `/${lang}/users/account/reset-your-password/`, `/${lang}/contact/?audience=users&category=account`]) {
      await page.goto(url(path));
      const seen = new Set();
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        const f = await page.evaluate(() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const s = getComputedStyle(el);
          const r = el.getBoundingClientRect();
          return {
            id: el.id || el.tagName + ':' + (el.getAttribute('href') || el.getAttribute('name') || el.textContent.trim().slice(0, 30)),
            outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
            onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.left < innerWidth && r.top < innerHeight,
          };
        });
        if (!f || seen.has(f.id)) break; // back at the start
        seen.add(f.id);
        assert.ok(f.outline, `${path}: ${f.id} has no visible focus outline`);
        assert.ok(f.onScreen, `${path}: ${f.id} is focused off screen`);
      }
      assert.ok(seen.size > 5, `${path}: only ${seen.size} elements reachable with Tab`);
    }
    await page.context().close();
  });
}
