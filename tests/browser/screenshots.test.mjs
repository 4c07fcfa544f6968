// Screenshots of the home page, an article and the contact page at desktop and phone widths, in
// English and Arabic (right to left), saved to tests/artifacts/screenshots/ for review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { launch, newPage, url, screenshot } from './lib.mjs';

const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const PAGES = {
  home: (lang) => `/${lang}/`,
  article: (lang) => `/${lang}/users/account/reset-your-password/`,
  contact: (lang) => `/${lang}/contact/?audience=users&category=account`,
};

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const lang of ['en', 'ar']) {
  for (const [device, viewport] of Object.entries(WIDTHS)) {
    test(`screenshots ${lang} ${device}`, async () => {
      const page = await newPage(browser, { viewport, deviceScaleFactor: 1, isMobile: device === 'phone', hasTouch: device === 'phone' });
      for (const [name, path] of Object.entries(PAGES)) {
        const response = await page.goto(url(path(lang)));
        assert.equal(response.status(), 200, path(lang));
        // Nothing may stick out sideways: a phone would scroll horizontally.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${path(lang)} at ${viewport.width}px is ${overflow}px wider than the screen`);
        const file = await screenshot(page, `${name}-${lang}-${device}`);
        assert.ok(statSync(file).size > 1000);
      }
      assert.deepEqual(page.problems, []);
      await page.context().close();
    });
  }
}
