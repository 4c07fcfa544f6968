// Search per language, from the search box: Cyrillic works, Vietnamese ignores missing diacritics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, url, BASE } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// The results list of site/templates/search.html.
const RESULT_LINKS = '#search-results a';

async function results(page) {
  await page.locator(RESULT_LINKS).first().waitFor({ state: 'visible' });
  return page.locator(RESULT_LINKS).evaluateAll((links) => links.map((a) => new URL(a.href).pathname));
}

test('Russian: a word of a Russian article finds it, typed into the search box', async () => {
  const page = await newPage(browser);
  await page.goto(url('/ru/'));
  await page.locator('header form[role=search] input[type=search]').fill('сбросить пароль');
  await page.locator('header form[role=search] input[type=search]').press('Enter');
  await page.waitForURL((u) => u.pathname === '/ru/search/' && u.searchParams.get('q') === 'сбросить пароль');
  const found = await results(page);
  assert.ok(found.includes('/ru/users/account/reset-your-password/'), `results: ${found.join(', ')}`);
  assert.ok(found.every((p) => p.startsWith('/ru/')), `only Russian pages: ${found.join(', ')}`);
  // The query stays in the box, so it can be refined.
  assert.equal(await page.inputValue('#q'), 'сбросить пароль');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Russian: one word of the title is enough', async () => {
  const page = await newPage(browser);
  await page.goto(url('/ru/search/?q=' + encodeURIComponent('пароль')));
  const found = await results(page);
  assert.ok(found.slice(0, 5).includes('/ru/users/account/reset-your-password/'), `results: ${found.join(', ')}`);
  await page.context().close();
});

test('Vietnamese without diacritics finds the article written with them', async () => {
  const page = await newPage(browser);
  await page.goto(url('/vi/search/?q=' + encodeURIComponent('dat lai mat khau')));
  const found = await results(page);
  assert.ok(found.includes('/vi/users/account/reset-your-password/'), `results: ${found.join(', ')}`);
  assert.ok(found.every((p) => p.startsWith('/vi/')), `only Vietnamese pages: ${found.join(', ')}`);
  // The title shown is the Vietnamese one, with its diacritics.
  const titles = await page.locator(RESULT_LINKS).allTextContents();
  assert.ok(titles.some((t) => t.includes('Đặt lại mật khẩu')), `titles: ${titles.join(' | ')}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a search without matches says so', async () => {
  const page = await newPage(browser);
  await page.goto(url('/en/search/?q=' + encodeURIComponent('xylophonezebra')));
  await page.waitForFunction(() => document.querySelector('#search-status')?.textContent.trim());
  assert.equal(await page.locator(RESULT_LINKS).count(), 0);
  await page.context().close();
});
