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

test('a match under a heading shows that heading, and its link lands on it with the words marked', async () => {
  const page = await newPage(browser);
  await page.goto(url('/en/search/?q=mailbox'));
  await results(page);
  const article = page.locator('#search-results > li', { has: page.locator('a[href*="/en/users/account/reset-your-password/"]') }).first();
  const sections = article.locator('.search-sections a.search-section');
  const found = await sections.evaluateAll((links) => links.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
  const arrives = found.find((s) => s.text === 'If the reset email never arrives');
  assert.ok(arrives, `sections: ${JSON.stringify(found)}`);
  const target = new URL(arrives.href, BASE);
  assert.equal(target.pathname, '/en/users/account/reset-your-password/');
  assert.equal(target.hash, '#if-the-reset-email-never-arrives');
  assert.deepEqual(target.searchParams.getAll('highlight'), ['mailbox']);
  // Each section's matches are shown under it.
  assert.match(await article.locator('.search-sections .search-excerpt mark').first().textContent(), /mailbox/i);

  await sections.filter({ hasText: 'If the reset email never arrives' }).click();
  await page.waitForURL((u) => u.hash === '#if-the-reset-email-never-arrives');
  const heading = page.locator('#if-the-reset-email-never-arrives');
  assert.equal(await heading.evaluate((h) => h.matches(':target')), true);
  await page.locator('.prose mark').first().waitFor();
  const marked = await page.locator('.prose mark').allTextContents();
  assert.ok(marked.length >= 2 && marked.every((m) => m.toLowerCase() === 'mailbox'), `marked: ${marked.join(', ')}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the landing page marks words in the article text only: not in code, attributes or the title', async () => {
  const page = await newPage(browser);
  await page.goto(url('/en/users/account/reset-your-password/?highlight=lantern&highlight=passwords'));
  await page.locator('.prose mark').first().waitFor();
  const marked = await page.locator('.prose mark').allTextContents();
  // Another ending of the word is marked too (the index matches stems).
  assert.ok(marked.includes('password'), `marked: ${marked.join(', ')}`);
  assert.equal(await page.locator('mark').count(), marked.length, 'nothing outside the article body');
  assert.equal(await page.locator('.prose :is(code, pre) mark').count(), 0, 'nothing inside code');
  assert.ok((await page.locator('.prose code').allTextContents()).includes('lantern-cactus-river-nine'));
  const label = await page.locator('#reset-your-password-from-the-sign-in-page .anchor').getAttribute('aria-label');
  assert.ok(label.endsWith(': Reset your password from the sign-in page'), `aria-label: ${label}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
