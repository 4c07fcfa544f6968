// The ticket form against the real ticket function served by `helpcenter serve`: preselection,
// draft, sending, errors from the function, the fallback when it cannot be reached, and the
// plain HTML post without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, url, BASE, waitForTicket, tickets, marker } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const ARTICLE = '/en/users/account/reset-your-password/';
const CONTACT = '/en/contact/';

/** The page's UI strings (the form carries them for the script). */
const strings = (page) => page.locator('#ticket-form').evaluate((f) => JSON.parse(f.dataset.strings));

/** Fills what the preselection leaves open. */
async function fill(page, { subject, description = 'I click the reset link in the email and the page says the link has expired.', email = 'visitor@example.com', username } = {}) {
  if (username !== undefined) await page.fill('#f-username', username);
  await page.fill('#f-email', email);
  await page.selectOption('#f-subcategory', 'sign-in');
  await page.fill('#f-subject', subject);
  await page.fill('#f-description', description);
}

/** Captures the JSON bodies the page posts to the function. */
function posts(page) {
  const bodies = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/tickets') {
      bodies.push({ contentType: r.headers()['content-type'], body: JSON.parse(r.postData()) });
    }
  });
  return bodies;
}

test('the ticket link preselects audience and category; sending shows the ticket number and stores the ticket', async () => {
  const page = await newPage(browser);
  const sent = posts(page);
  await page.goto(url(ARTICLE));
  await page.locator('a.ticket-link').click();
  await page.waitForURL(`${BASE}${CONTACT}?audience=users&category=account`);
  assert.equal(await page.inputValue('#f-audience'), 'users');
  assert.equal(await page.inputValue('#f-category'), 'account');
  // Only this category's subcategories are offered.
  const offered = await page.locator('#f-subcategory option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(offered, ['sign-in', 'two-factor', 'profile-details', 'account-deletion']);

  const subject = marker('Password reset link expired');
  await fill(page, { subject, username: 'maria_k' });
  await page.check('#f-remember');
  await page.click('#ticket-form button[type=submit]');

  // Sent well within a person's typing time: the page waits for min_fill_ms instead of failing.
  const success = page.locator('#form-success');
  await success.waitFor({ state: 'visible' });
  const ticketId = (await page.locator('#success-ticket').textContent()).trim();
  assert.match(ticketId, /^HC-[A-Z0-9-]+$/);
  assert.ok(await success.evaluate((el) => el === document.activeElement), 'the confirmation takes focus');
  assert.match(await success.textContent(), /24 hours/, 'expected response time');
  assert.ok(await page.locator('#ticket-form').isHidden());

  assert.equal(sent.length, 1);
  assert.match(sent[0].contentType, /^application\/json/);
  assert.match(sent[0].body.submission_id, /^[A-Za-z0-9_-]{8,64}$/);
  assert.ok(sent[0].body.elapsed_ms >= 3000, `elapsed_ms ${sent[0].body.elapsed_ms}`);

  const stored = await waitForTicket((t) => t.ticket_id === ticketId);
  assert.ok(stored, `ticket ${ticketId} is in tickets.jsonl`);
  assert.equal(stored.submission_id, sent[0].body.submission_id);
  assert.equal(stored.language, 'en');
  assert.equal(stored.audience, 'users');
  assert.equal(stored.category, 'account');
  assert.equal(stored.subcategory, 'sign-in');
  assert.equal(stored.queue, 'accounts');
  assert.equal(stored.username, 'maria_k');
  assert.equal(stored.email, 'visitor@example.com');
  assert.equal(stored.subject, subject);
  assert.match(stored.description, /link has expired/);

  // The draft is gone, the username (with consent) is remembered.
  await page.goto(url(CONTACT));
  assert.equal(await page.inputValue('#f-subject'), '');
  assert.equal(await page.inputValue('#f-username'), 'maria_k');
  assert.ok(await page.isChecked('#f-remember'));
  // Withdrawing consent forgets it at once: nothing on the device, only this tab's draft.
  await page.uncheck('#f-remember');
  const saved = await page.evaluate(() => Object.values(localStorage).join(' '));
  assert.ok(!saved.includes('maria_k'), `localStorage: ${saved}`);
  await page.reload();
  assert.equal(await page.inputValue('#f-username'), 'maria_k', 'a reload loses nothing');
  const other = await page.context().newPage();
  await other.goto(url(CONTACT));
  assert.equal(await other.inputValue('#f-username'), '');
  assert.ok(!(await other.isChecked('#f-remember')));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('without consent the username is not remembered', async () => {
  const page = await newPage(browser);
  await page.route('**/api/tickets', (route) => route.fulfill({ status: 201, contentType: 'application/json', body: '{"ticket_id":"HC-TEST-0001","status":"stored"}' }));
  await page.goto(url(`${CONTACT}?audience=users&category=account`));
  await fill(page, { subject: 'Cannot sign in after reset', username: 'no_consent' });
  await page.click('#ticket-form button[type=submit]');
  await page.locator('#form-success').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#success-ticket').textContent(), 'HC-TEST-0001');
  const saved = await page.evaluate(() => Object.keys(localStorage).map((k) => k + '=' + localStorage.getItem(k)));
  assert.ok(!saved.some((kv) => kv.includes('no_consent')), `localStorage: ${saved.join('; ')}`);
  await page.goto(url(CONTACT));
  assert.equal(await page.inputValue('#f-username'), '');
  await page.context().close();
});

test('choices stay consistent: audience → category → subcategory', async () => {
  const page = await newPage(browser);
  await page.goto(url(`${CONTACT}?audience=users&category=account`));
  await page.selectOption('#f-subcategory', 'two-factor');
  // Another audience: the category and subcategory of the first one no longer apply.
  await page.selectOption('#f-audience', 'creators');
  assert.equal(await page.inputValue('#f-category'), '');
  assert.equal(await page.inputValue('#f-subcategory'), '');
  const categories = await page.locator('#f-category option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(categories, ['channel-setup', 'memberships', 'payouts', 'content-rights', 'technical-problems']);
  // Choosing a subcategory first fills in what it belongs to.
  await page.selectOption('#f-audience', '');
  await page.selectOption('#f-category', '');
  await page.selectOption('#f-subcategory', 'api-keys');
  assert.equal(await page.inputValue('#f-audience'), 'studios');
  assert.equal(await page.inputValue('#f-category'), 'api-integrations');
  assert.equal(await page.inputValue('#f-subcategory'), 'api-keys');
  await page.context().close();
});

test('a reload keeps the draft and its submission_id', async () => {
  const page = await newPage(browser);
  await page.goto(url(`${CONTACT}?audience=creators&category=payouts`));
  await page.selectOption('#f-subcategory', 'missing-payout');
  await page.fill('#f-email', 'draft@example.com');
  await page.fill('#f-subject', 'My March payout never arrived');
  await page.fill('#f-description', 'Line one\nLine two of a long story.');
  const id = await page.inputValue('input[name=submission_id]');
  assert.match(id, /^[A-Za-z0-9_-]{8,64}$/);
  await page.goto(url(CONTACT)); // even without the link's parameters
  assert.equal(await page.inputValue('#f-audience'), 'creators');
  assert.equal(await page.inputValue('#f-category'), 'payouts');
  assert.equal(await page.inputValue('#f-subcategory'), 'missing-payout');
  assert.equal(await page.inputValue('#f-email'), 'draft@example.com');
  assert.equal(await page.inputValue('#f-subject'), 'My March payout never arrived');
  assert.equal(await page.inputValue('#f-description'), 'Line one\nLine two of a long story.');
  assert.equal(await page.inputValue('input[name=submission_id]'), id, 'one submission_id per draft');
  await page.context().close();
});

test('the subject: word counter and article suggestions while typing', async () => {
  const page = await newPage(browser);
  await page.goto(url(`${CONTACT}?audience=users`));
  const t = await strings(page);
  await page.locator('#f-subject').pressSequentially('reset password', { delay: 20 });
  await page.waitForFunction(() => document.querySelector('#f-subject-count').textContent.trim() !== '');
  const counter = await page.textContent('#f-subject-count');
  assert.ok(counter.startsWith(t.words_count.replace('{n}', '2')) && counter.includes(t.words_hint_short), counter);
  const suggestion = page.locator('#f-suggestions a[href="/en/users/account/reset-your-password/"]');
  await suggestion.waitFor({ state: 'visible' });
  // Screen readers hear the count and the suggestions once the typing pauses.
  await page.waitForFunction((title) => document.querySelector('#f-subject-count-live').textContent.includes(title), t.suggestions_title);
  assert.match(await page.textContent('#f-subject-count-live'), /Reset your password/);
  // Six words: inside 5–7, no hint.
  await page.fill('#f-subject', 'I cannot reset my password today');
  await page.waitForFunction((six) => document.querySelector('#f-subject-count').textContent === six, t.words_count.replace('{n}', '6'));
  // Eight words: too long a subject, says the hint.
  await page.fill('#f-subject', 'I really cannot reset my password at all');
  assert.equal(await page.textContent('#f-subject-count'), `${t.words_count.replace('{n}', '8')} — ${t.words_hint_long}`);
  // The counter is tied to the field.
  assert.match(await page.getAttribute('#f-subject', 'aria-describedby'), /f-subject-count/);
  await page.context().close();
});

test('an error from the function shows next to the field and in the summary, in the page language', async () => {
  const page = await newPage(browser);
  await page.goto(url('/it/contact/?audience=users&category=account'));
  const t = await strings(page);
  const en = await (async () => { const p = await newPage(browser); await p.goto(url(CONTACT)); const s = await strings(p); await p.context().close(); return s; })();
  assert.notEqual(t.error_too_long, en.error_too_long, 'Italian has its own message');
  // The browser would stop at maxlength; the function is the one that must say no.
  await page.locator('#f-subject').evaluate((el) => el.removeAttribute('maxlength'));
  await fill(page, { subject: 'parola '.repeat(30).trim() });
  const before = tickets().length;
  await page.click('#ticket-form button[type=submit]');
  const error = page.locator('#f-subject-error');
  await error.waitFor({ state: 'visible' });
  assert.equal((await error.textContent()).trim(), t.error_too_long);
  assert.equal(await page.getAttribute('#f-subject', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('#f-subject', 'aria-describedby'), /\bf-subject-error\b/);
  const summary = page.locator('#error-summary');
  assert.ok(await summary.isVisible());
  assert.ok(await summary.evaluate((el) => el === document.activeElement), 'the summary takes focus');
  const link = summary.locator('a[href="#f-subject"]');
  assert.match(await link.textContent(), new RegExp(t.error_too_long.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  // The summary's link leads to the field.
  await link.click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-subject');
  assert.equal(tickets().length, before, 'no ticket stored');
  assert.ok((await page.inputValue('#f-description')).includes('link has expired'), 'the text stays');
  await page.context().close();
});

test('errors found before sending use the same pattern', async () => {
  const page = await newPage(browser);
  await page.goto(url(CONTACT));
  const t = await strings(page);
  await page.fill('#f-email', 'not-an-address');
  await page.click('#ticket-form button[type=submit]');
  const summary = page.locator('#error-summary');
  await summary.waitFor({ state: 'visible' });
  assert.equal((await page.textContent('#f-email-error')).trim(), t.error_invalid_email);
  assert.equal((await page.textContent('#f-audience-error')).trim(), t.error_required);
  assert.equal(await summary.locator('li').count(), 6); // email, audience, category, subcategory, subject, description
  assert.match(await page.title(), new RegExp('^' + t.error_summary_title));
  await page.context().close();
});

/** Checks the fallback panel: the fallback email, a mailto: with the typed ticket, the text kept. */
async function assertFallback(page, subject) {
  const panel = page.locator('#fallback-panel');
  await panel.waitFor({ state: 'visible' });
  assert.ok(await panel.evaluate((el) => el === document.activeElement), 'the panel takes focus');
  const email = await page.getAttribute('#ticket-form', 'data-fallback-email');
  assert.ok((await panel.textContent()).includes(email), 'the fallback email is shown');
  const href = await page.getAttribute('#fallback-mailto', 'href');
  assert.ok(href.startsWith(`mailto:${email}?`), href);
  const mail = new URLSearchParams(href.slice(href.indexOf('?') + 1));
  assert.equal(mail.get('subject'), subject);
  const body = mail.get('body');
  // The same structure as the form: labelled lines, then the description.
  for (const line of ['Email address: visitor@example.com', 'I am a… Watching and supporting', 'Topic: Account and sign-in',
    "What is it about? I can't sign in", `Subject: ${subject}`, 'the page says the link has expired']) {
    assert.ok(body.includes(line), `mail body has "${line}":\n${body}`);
  }
  // Nothing typed is lost.
  assert.equal(await page.inputValue('#f-subject'), subject);
  assert.match(await page.inputValue('#f-description'), /link has expired/);
  assert.ok(await page.locator('#ticket-form').isVisible());
  // Copy to the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  await page.click('#fallback-copy');
  await page.waitForFunction(() => document.querySelector('#fallback-copy-status').textContent.trim() !== '');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, body);
}

test('endpoint unreachable: fallback panel with a prepared mailto:, the text stays; a retry sends the same submission', async () => {
  const page = await newPage(browser);
  const sent = posts(page);
  await page.route('**/api/tickets', (route) => route.abort('connectionrefused'));
  await page.goto(url(`${CONTACT}?audience=users&category=account`));
  const subject = marker('Reset link expired again');
  await fill(page, { subject });
  await page.click('#ticket-form button[type=submit]');
  await assertFallback(page, subject);
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('helpcenter:draft:')).length), 1, 'the draft is kept');

  // The function is back: sending again makes one ticket with the same submission_id.
  await page.unroute('**/api/tickets');
  await page.click('#ticket-form button[type=submit]');
  await page.locator('#form-success').waitFor({ state: 'visible' });
  assert.ok(await page.locator('#fallback-panel').isHidden());
  assert.equal(sent.length, 2);
  assert.equal(sent[1].body.submission_id, sent[0].body.submission_id);
  const stored = await waitForTicket((t) => t.subject === subject);
  assert.ok(stored);
  assert.equal(tickets().filter((t) => t.subject === subject).length, 1);
  await page.context().close();
});

test('the function answers 503: fallback panel with a prepared mailto:, the text stays', async () => {
  const page = await newPage(browser);
  page.expectedFailures = (r) => r.status() === 503;
  await page.route('**/api/tickets', (route) => route.fulfill({
    status: 503, contentType: 'application/json',
    body: JSON.stringify({ error: 'unavailable', fallback_email: 'support@lumen.example' }),
  }));
  await page.goto(url(`${CONTACT}?audience=users&category=account`));
  const subject = 'Reset link expired yesterday evening';
  await fill(page, { subject });
  await page.click('#ticket-form button[type=submit]');
  await assertFallback(page, subject);
  await page.context().close();
});

test('the function does not answer in time: the fallback panel after the timeout', async () => {
  const page = await newPage(browser);
  await page.clock.install(); // the page's timers run on a fake clock
  let asked = false;
  await page.route('**/api/tickets', () => { asked = true; /* never answers */ });
  await page.goto(url(`${CONTACT}?audience=users&category=account`));
  const subject = 'Reset link expired during lunch';
  await fill(page, { subject });
  await page.click('#ticket-form button[type=submit]');
  await page.clock.runFor(3_500); // the wait for min_fill_ms
  await page.waitForFunction(() => document.querySelector('#form-status').textContent.trim() !== '');
  assert.ok(await page.locator('#fallback-panel').isHidden());
  await page.clock.runFor(20_000);
  await assertFallback(page, subject);
  assert.ok(asked, 'the request was sent');
  await page.context().close();
});

test('the function answers 500 with an HTML page: the fallback panel too', async () => {
  const page = await newPage(browser);
  page.expectedFailures = (r) => r.status() === 500;
  await page.route('**/api/tickets', (route) => route.fulfill({ status: 500, contentType: 'text/html', body: '<h1>Internal error</h1>' }));
  await page.goto(url(`${CONTACT}?audience=users&category=account`));
  await fill(page, { subject: 'Reset link expired this morning' });
  await page.click('#ticket-form button[type=submit]');
  await page.locator('#fallback-panel').waitFor({ state: 'visible' });
  await page.context().close();
});

test('without JavaScript: the form posts natively, the thank-you page follows, the ticket is stored', async () => {
  const page = await newPage(browser, { javaScriptEnabled: false });
  await page.goto(url(`${CONTACT}?audience=users&category=account`));
  // No script: nothing is preselected, every choice is offered.
  await page.selectOption('#f-audience', 'users');
  await page.selectOption('#f-category', 'account');
  const subject = marker('No script reset link');
  await fill(page, { subject, username: 'plain_html' });
  await page.click('#ticket-form button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/en/contact/thanks/' && u.searchParams.has('ticket'));
  const ticketId = new URL(page.url()).searchParams.get('ticket');
  assert.ok(await page.locator('h1').isVisible());
  const stored = await waitForTicket((t) => t.subject === subject);
  assert.ok(stored, 'the ticket is in tickets.jsonl');
  assert.equal(stored.ticket_id, ticketId);
  assert.equal(stored.audience, 'users');
  assert.equal(stored.category, 'account');
  assert.equal(stored.subcategory, 'sign-in');
  assert.equal(stored.username, 'plain_html');
  assert.equal(stored.language, 'en');
  assert.ok(stored.submission_id, 'the function made its own id');
  await page.context().close();
});

test('without JavaScript an invalid post comes back to the form with ?errors=, which the script shows when it runs', async () => {
  const plain = await newPage(browser, { javaScriptEnabled: false });
  await plain.goto(url(CONTACT));
  await plain.selectOption('#f-audience', 'users');
  await plain.selectOption('#f-category', 'account');
  await fill(plain, { subject: 'No script bad address', email: 'me@localhost' }); // the browser allows it, the function does not
  await plain.click('#ticket-form button[type=submit]');
  await plain.waitForURL((u) => u.pathname === CONTACT && u.searchParams.has('errors'));
  const back = new URL(plain.url());
  assert.equal(back.searchParams.get('errors'), 'email:invalid_email');
  assert.equal(back.searchParams.get('audience'), 'users');
  await plain.context().close();

  const page = await newPage(browser);
  await page.goto(back.href);
  const t = await strings(page);
  await page.locator('#f-email-error').waitFor({ state: 'visible' });
  assert.equal((await page.textContent('#f-email-error')).trim(), t.error_invalid_email);
  assert.ok(await page.locator('#error-summary a[href="#f-email"]').isVisible());
  assert.equal(await page.inputValue('#f-category'), 'account');
  await page.context().close();
});

test('the thank-you page shows the ticket number from ?ticket= when JavaScript runs', async () => {
  const page = await newPage(browser);
  await page.goto(url('/en/contact/thanks/?ticket=HC-1ABC-XYZ'));
  await page.locator('#ticket-id').waitFor({ state: 'visible' });
  assert.equal(await page.textContent('#ticket-id'), 'HC-1ABC-XYZ');
  // Anything that is not a ticket number is not shown.
  await page.goto(url('/en/contact/thanks/?ticket=%3Cimg%20src%3Dx%3E'));
  assert.ok(await page.locator('.ticket-number').isHidden());
  await page.context().close();
});

test('keyboard only: the whole form can be filled and sent without a mouse', async () => {
  const page = await newPage(browser);
  await page.route('**/api/tickets', (route) => route.fulfill({ status: 201, contentType: 'application/json', body: '{"ticket_id":"HC-KEYS-0001","status":"stored"}' }));
  await page.goto(url(CONTACT));
  const focused = () => page.evaluate(() => document.activeElement.id || document.activeElement.tagName);
  await page.focus('#f-username');
  await page.keyboard.type('keys_only');
  await page.keyboard.press('Tab'); // remember checkbox
  assert.equal(await focused(), 'f-remember');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'f-email');
  await page.keyboard.type('keys@example.com');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'f-audience');
  await page.keyboard.press('ArrowDown'); // first audience
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'f-category');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'f-subcategory');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'f-subject');
  await page.keyboard.type('Keyboard only ticket subject here');
  await page.keyboard.press('Tab');
  // Suggestions (links) may come first; go on to the description.
  for (let i = 0; i < 8 && (await focused()) !== 'f-description'; i++) await page.keyboard.press('Tab');
  assert.equal(await focused(), 'f-description');
  await page.keyboard.type('Typed with the keyboard alone, no mouse at all.');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'f-attachments-choose'); // files are optional
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.type), 'submit');
  await page.keyboard.press('Enter');
  await page.locator('#form-success').waitFor({ state: 'visible' });
  assert.equal(await page.textContent('#success-ticket'), 'HC-KEYS-0001');
  await page.context().close();
});
