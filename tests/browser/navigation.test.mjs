// Visitors find their language and their article, and the language switcher keeps them on it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, url, BASE } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const ARTICLE = '/users/account/reset-your-password/';

test('/ leads an English-speaking visitor to the English help center', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await page.goto(url('/'));
  await page.waitForURL(`${BASE}/en/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
  assert.ok(await page.locator('h1').isVisible());
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('/ leads an Italian-speaking visitor to the Italian help center', async () => {
  const page = await newPage(browser, { locale: 'it-IT' });
  await page.goto(url('/'));
  await page.waitForURL(`${BASE}/it/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'it');
  await page.context().close();
});

test('open an article from the home page, then switch to Italian: the same article in Italian', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await page.goto(url('/en/'));
  // Home → the audience's section → the category → the article, by following links.
  await page.locator(`.cards a[href="/en/users/"]`).click();
  await page.waitForURL(`${BASE}/en/users/`);
  await page.locator(`main a[href="/en/users/account/"]`).first().click();
  await page.waitForURL(`${BASE}/en/users/account/`);
  await page.locator(`main a[href="/en${ARTICLE}"]`).first().click();
  await page.waitForURL(`${BASE}/en${ARTICLE}`);
  const english = (await page.locator('h1').textContent()).trim();
  assert.equal(english, 'Reset your password');
  assert.ok((await page.locator('main').textContent()).length > 500, 'the article has a body');

  await page.locator('nav.switcher a[hreflang="it"]').click();
  await page.waitForURL(`${BASE}/it${ARTICLE}`);
  assert.equal(await page.getAttribute('html', 'lang'), 'it');
  const italian = (await page.locator('h1').textContent()).trim();
  assert.equal(italian, 'Reimpostare la password');
  // A real translation, not the English text with a notice.
  assert.equal(await page.locator('main .notice').count(), 0);
  // And back: the switcher marks Italian as current and links the English article.
  assert.equal(await page.getAttribute('nav.switcher [aria-current]', 'lang'), 'it');
  assert.equal(await page.getAttribute('nav.switcher a[hreflang="en"]', 'href'), `/en${ARTICLE}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Arabic pages are right to left', async () => {
  const page = await newPage(browser);
  await page.goto(url(`/ar${ARTICLE}`));
  assert.equal(await page.getAttribute('html', 'lang'), 'ar');
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  // The heading starts at the right edge of the content column.
  const geometry = await page.evaluate(() => {
    const main = document.querySelector('main').getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(document.querySelector('h1'));
    const text = range.getBoundingClientRect();
    const brand = document.querySelector('.brand').getBoundingClientRect();
    const style = getComputedStyle(document.querySelector('main'));
    return { mainRight: main.right - parseFloat(style.paddingRight), textRight: text.right, textLeft: text.left, brandLeft: brand.left, width: innerWidth };
  });
  assert.ok(Math.abs(geometry.mainRight - geometry.textRight) < 4, `h1 is right-aligned: ${JSON.stringify(geometry)}`);
  assert.ok(geometry.brandLeft > geometry.width / 2, `the site name sits on the right: ${JSON.stringify(geometry)}`);
  // English summaries of untranslated articles in Arabic lists keep their punctuation in place
  // (bidi isolation): the closing full stop is right of the first letter, not left of it.
  const english = await page.evaluate(() => [...document.querySelectorAll('.article-list li')]
    .filter((li) => li.querySelector('.badge') && li.querySelector('p'))
    .map((li) => {
      const p = li.querySelector('p');
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      const text = walker.nextNode();
      const at = (i) => { const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1); return r.getBoundingClientRect().left; };
      const last = text.data.trimEnd().length - 1;
      return { text: text.data, firstLeft: at(0), lastLeft: at(last), lastChar: text.data[last] };
    }));
  assert.ok(english.length > 0, 'the page lists untranslated articles');
  for (const e of english) assert.ok(e.lastLeft > e.firstLeft, `"${e.text}" keeps its full stop at its end (bidi isolation)`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
