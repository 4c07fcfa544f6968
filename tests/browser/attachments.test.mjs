// The ticket form's files: uploaded with the button, pasted or dropped, checked in the page with
// the function's limits, waited for on Send, kept by the draft, named in the fallback, and posted
// with the form without JavaScript. The end-to-end tests use `helpcenter serve`'s own slots and
// bucket (`<state>/uploads/`); the others play the bucket and the function in the test, to reach
// the states a real bucket rarely shows (slow, failing, refusing).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, newPage, url, BASE, waitForTicket, marker, png, uploadPath, violations, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CONTACT = '/en/contact/?audience=users&category=account';
const fmt = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
const strings = (page) => page.locator('#ticket-form').evaluate((f) => JSON.parse(f.dataset.strings));
const rows = (page) => page.locator('#f-attachments-list li');
const row = (page, name) => rows(page).filter({ has: page.locator('.file-name', { hasText: name }) });
const uploaded = (page, name) => row(page, name).and(page.locator('.file-done')).waitFor();

async function fill(page, subject = marker('Screenshot of the error')) {
  await page.fill('#f-email', 'visitor@example.com');
  await page.selectOption('#f-subcategory', 'sign-in');
  await page.fill('#f-subject', subject);
  await page.fill('#f-description', 'The dialog in the screenshot appears after I click the reset link.');
  return subject;
}

/** Chooses files with the drop zone's button, as a person does (the native control is hidden). */
async function choose(page, files) {
  const chooser = page.waitForEvent('filechooser');
  await page.click('#f-attachments-choose');
  await (await chooser).setFiles(files);
}

/** A DataTransfer in the page with files: {name, type, size} (zeros) or {name, type, base64}. */
const transfer = (page, files, text) => page.evaluateHandle(([files, text]) => {
  const dt = new DataTransfer();
  for (const f of files) {
    const bytes = f.base64 ? Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)) : new Uint8Array(f.size);
    dt.items.add(new File([bytes], f.name, { type: f.type }));
  }
  if (text) dt.setData('text/plain', text);
  return dt;
}, [files, text]);

async function drop(page, files) {
  const dataTransfer = await transfer(page, files);
  await page.locator('#f-attachments-zone').dispatchEvent('dragover', { dataTransfer });
  await page.locator('#f-attachments-zone').dispatchEvent('drop', { dataTransfer });
}

async function paste(page, selector, files, text) {
  const data = await transfer(page, files, text);
  await page.locator(selector).evaluate((el, clipboardData) => {
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
  }, data);
}

/** The JSON bodies the page posts to one of the function's paths. */
function posted(page, path) {
  const bodies = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === path) bodies.push(JSON.parse(r.postData()));
  });
  return bodies;
}

/**
 * The function's upload slots and the bucket, played by the test: `slots` records the slot
 * requests, `hold()` keeps the PUTs waiting until the function it returns is called, and
 * `failNext` PUTs are answered 500.
 */
async function fakeBucket(page) {
  const bucket = { slots: [], failNext: 0, gate: null };
  page.expectedFailures = (r) => new URL(r.url()).pathname.startsWith('/_test/bucket/');
  await page.route('**/api/uploads', (route) => {
    const body = JSON.parse(route.request().postData());
    bucket.slots.push(body);
    const id = `TEST${String(bucket.slots.length).padStart(6, '0')}`;
    return route.fulfill({
      status: 201, contentType: 'application/json',
      body: JSON.stringify({ key: `pending/${body.submission_id}/${id}/${body.name}`, url: `${BASE}/_test/bucket/${id}`, method: 'PUT', headers: { 'content-type': body.type }, expires_in: 900 }),
    });
  });
  await page.route('**/_test/bucket/*', async (route) => {
    await bucket.gate;
    if (bucket.failNext > 0) { bucket.failNext--; return route.fulfill({ status: 500, body: 'bucket down' }); }
    return route.fulfill({ status: 200, body: '' });
  });
  bucket.hold = () => {
    let release;
    bucket.gate = new Promise((r) => { release = r; });
    return () => { bucket.gate = null; release(); };
  };
  return bucket;
}

/** The function's ticket endpoint, played by the test: answers `status` with `body`. */
async function fakeTickets(page, status = 201, body = { ticket_id: 'HC-FILES-0001', status: 'stored' }) {
  await page.route('**/api/tickets', (route) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) }));
}

const sendAndWait = async (page) => {
  await page.click('#ticket-form button[type=submit]');
  await page.locator('#form-success').waitFor({ state: 'visible' });
  return (await page.locator('#success-ticket').textContent()).trim();
};

test('with JavaScript: a PNG chosen with the button uploads with progress, and the ticket carries it to tickets/<ticket_id>/', async () => {
  const page = await newPage(browser);
  const slots = posted(page, '/api/uploads'), tickets = posted(page, '/api/tickets');
  // serve's bucket takes the PUT only once the test has seen the upload running.
  let release;
  const gate = new Promise((r) => { release = r; });
  await page.route('**/_helpcenter/uploads/**', async (route) => {
    if (route.request().method() === 'PUT') await gate;
    await route.continue();
  });
  await page.goto(url(CONTACT));
  const t = await strings(page);
  await fill(page);
  const bytes = png(64, 48);
  await choose(page, [{ name: 'error-dialog.png', mimeType: 'image/png', buffer: bytes }]);
  const item = row(page, 'error-dialog.png');
  await item.locator('progress').waitFor({ state: 'visible' });
  assert.equal((await item.locator('.file-status').textContent()).trim(), t.attachments_uploading);
  assert.ok(await item.locator('img.file-thumb').isVisible(), 'a thumbnail of the image');
  release();
  await uploaded(page, 'error-dialog.png');
  assert.ok(await item.locator('progress').isHidden());
  assert.equal((await item.locator('.file-status').textContent()).trim(), t.attachments_uploaded);
  const submissionId = await page.inputValue('input[name=submission_id]');
  assert.deepEqual(slots, [{ submission_id: submissionId, name: 'error-dialog.png', size: bytes.length, type: 'image/png' }]);

  const ticketId = await sendAndWait(page);
  assert.equal(tickets.length, 1);
  assert.equal(tickets[0].attachments.length, 1);
  assert.ok(tickets[0].attachments[0].startsWith(`pending/${submissionId}/`), tickets[0].attachments[0]);
  const stored = await waitForTicket((s) => s.ticket_id === ticketId);
  assert.ok(stored, `ticket ${ticketId} is stored`);
  assert.equal(stored.attachments?.length, 1, JSON.stringify(stored));
  const [file] = stored.attachments;
  assert.match(file.key, new RegExp(`^tickets/${ticketId}/[0-9A-Za-z]{10}/error-dialog\\.png$`));
  assert.equal(file.name, 'error-dialog.png');
  assert.equal(file.size, bytes.length);
  assert.equal(file.content_type, 'image/png');
  assert.deepEqual(readFileSync(uploadPath(file.key)), bytes, 'the bucket holds the very file');
  assert.ok(await page.locator('#success-files').isHidden(), 'every file arrived');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a screenshot pasted into the form and a file dropped on the field upload too; Remove takes one off', async () => {
  const page = await newPage(browser);
  await page.goto(url(CONTACT));
  const t = await strings(page);
  const base64 = png().toString('base64');
  await page.focus('#f-attachments-choose');
  await paste(page, '#f-attachments-choose', [{ name: 'image.png', type: 'image/png', base64 }]);
  // Every pasted picture is "image.png": the page names it after the time instead.
  const pasted = rows(page).first().locator('.file-name');
  await pasted.waitFor();
  assert.match(await pasted.textContent(), /^screenshot-\d{14}-\d+\.png$/);
  await uploaded(page, await pasted.textContent());
  await drop(page, [{ name: 'dropped.png', type: 'image/png', base64 }]);
  await uploaded(page, 'dropped.png');
  // Text pasted into a field stays text, even with a picture of it in the clipboard.
  await paste(page, '#f-description', [{ name: 'image.png', type: 'image/png', base64 }], 'copied words');
  assert.equal(await rows(page).count(), 2);

  await rows(page).first().locator('.file-remove').click();
  assert.equal(await rows(page).count(), 1);
  assert.equal(await page.evaluate(() => document.activeElement.closest('li')?.querySelector('.file-name').textContent), 'dropped.png',
    'the focus moves on to the next file');
  assert.match(await page.textContent('#f-attachments-live'), new RegExp(fmt(t.attachments_removed, { name: 'screenshot-\\d+-\\d+\\.png' })));
  const draft = await page.evaluate(() => JSON.parse(localStorage.getItem('helpcenter:draft:/en/contact/')));
  assert.deepEqual(draft.attachments.map((a) => a.name), ['dropped.png']);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('files the function would refuse are stopped in the page, with the GOV.UK messages, before and on Send', async () => {
  const page = await newPage(browser);
  const bucket = await fakeBucket(page);
  const tickets = posted(page, '/api/tickets');
  await page.goto(url(CONTACT));
  const t = await strings(page);
  const field = page.locator('.file-field');
  const limits = { files: await field.getAttribute('data-max-files'), mib: await field.getAttribute('data-max-file-mib'), types: await field.getAttribute('data-type-labels') };
  await fill(page);
  await drop(page, [
    { name: 'recording.mp4', type: 'video/mp4', size: limits.mib * 1048576 + 1 },
    { name: 'empty.txt', type: 'text/plain', size: 0 },
    { name: 'tool.exe', type: 'application/x-msdownload', size: 10 },
  ]);
  const said = (name) => row(page, name).locator('.file-error').textContent();
  assert.equal(await said('recording.mp4'), fmt(t.error_too_large, limits));
  assert.equal(await said('empty.txt'), t.error_empty_file);
  assert.equal(await said('tool.exe'), fmt(t.error_unsupported_type, limits));
  assert.ok(await row(page, 'tool.exe').locator('.file-retry').isHidden(), 'nothing to retry');
  // One file more than the limit: the extra one is not taken.
  await choose(page, ['a', 'b', 'c'].map((n) => ({ name: `${n}.png`, mimeType: 'image/png', buffer: png() })));
  assert.equal(await rows(page).count(), +limits.files);
  assert.equal((await page.textContent('#f-attachments-error')).trim(), fmt(t.error_too_many_files, limits));
  await uploaded(page, 'b.png');
  assert.deepEqual(bucket.slots.map((s) => s.name), ['a.png', 'b.png'], 'refused files never ask for a slot');

  // Send: the summary names the field, its link leads to the button that adds files.
  await page.click('#ticket-form button[type=submit]');
  const link = page.locator('#error-summary a[href="#f-attachments-choose"]');
  await link.waitFor();
  assert.equal(await link.textContent(), `${t.field_attachments}: ${fmt(t.error_too_large, limits)}`);
  await link.click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-attachments-choose');
  assert.equal(tickets.length, 0);
  for (const name of ['recording.mp4', 'empty.txt', 'tool.exe']) await row(page, name).locator('.file-remove').click();
  await fakeTickets(page);
  await sendAndWait(page);
  assert.equal(tickets[0].attachments.length, 2);
  await page.context().close();
});

test('Send waits for running uploads, says which, then sends their keys', async () => {
  const page = await newPage(browser);
  const bucket = await fakeBucket(page);
  const tickets = posted(page, '/api/tickets');
  await fakeTickets(page);
  await page.goto(url(CONTACT));
  const t = await strings(page);
  await fill(page);
  const release = bucket.hold();
  await choose(page, [{ name: 'slow.png', mimeType: 'image/png', buffer: png() }]);
  await page.click('#ticket-form button[type=submit]');
  await page.waitForFunction((s) => document.querySelector('#form-status').textContent === s, fmt(t.attachments_waiting, { names: 'slow.png' }));
  await page.waitForTimeout(3500); // longer than the form's minimum fill time
  assert.equal(tickets.length, 0, 'nothing sent while the file uploads');
  release();
  await page.locator('#form-success').waitFor({ state: 'visible' });
  assert.deepEqual(tickets[0].attachments, [`pending/${bucket.slots[0].submission_id}/TEST000001/slow.png`]);
  await page.context().close();
});

test('a reload keeps the uploaded files in the draft; a failed upload can be retried', async () => {
  const page = await newPage(browser);
  const bucket = await fakeBucket(page);
  await page.goto(url(CONTACT));
  const t = await strings(page);
  bucket.failNext = 1;
  await choose(page, [{ name: 'flaky.png', mimeType: 'image/png', buffer: png() }]);
  const item = row(page, 'flaky.png');
  await item.locator('.file-error').waitFor();
  assert.equal(await item.locator('.file-error').textContent(), t.error_upload_missing);
  await item.locator('.file-retry').click();
  await uploaded(page, 'flaky.png');
  assert.equal(bucket.slots.length, 2, 'a retry asks for a new slot');

  await page.reload();
  await uploaded(page, 'flaky.png');
  assert.equal((await item.locator('.file-status').textContent()).trim(), t.attachments_uploaded);
  assert.ok(await item.locator('img.file-thumb').isHidden(), 'no file, no thumbnail after a reload');
  const tickets = posted(page, '/api/tickets');
  await fakeTickets(page);
  await fill(page);
  await sendAndWait(page);
  assert.deepEqual(tickets[0].attachments, [`pending/${bucket.slots[1].submission_id}/TEST000002/flaky.png`]);
  await page.context().close();
});

test("the function's verdict on a file shows on that file; files that did not arrive are named on the success panel", async () => {
  const page = await newPage(browser);
  const bucket = await fakeBucket(page);
  page.expectedFailures = (r) => r.status() === 400; // the function's verdict below
  await page.goto(url(CONTACT));
  const t = await strings(page);
  await fill(page);
  await choose(page, ['real.png', 'fake.png'].map((name) => ({ name, mimeType: 'image/png', buffer: png() })));
  await uploaded(page, 'fake.png');
  const key = `pending/${bucket.slots[1].submission_id}/TEST000002/fake.png`;
  await fakeTickets(page, 400, { error: 'invalid', fields: { attachments: 'unsupported_type' }, files: [{ key, name: 'fake.png', code: 'unsupported_type' }] });
  await page.click('#ticket-form button[type=submit]');
  await page.locator('#error-summary').waitFor({ state: 'visible' });
  const types = await page.locator('.file-field').getAttribute('data-type-labels');
  assert.equal(await row(page, 'fake.png').locator('.file-error').textContent(), fmt(t.error_unsupported_type, { types }));
  assert.ok(await row(page, 'real.png').locator('.file-error').isHidden());
  await page.unroute('**/api/tickets');
  await row(page, 'fake.png').locator('.file-remove').click();
  await fakeTickets(page, 201, { ticket_id: 'HC-FILES-0002', status: 'stored', attachments_failed: ['real.png'] });
  await sendAndWait(page);
  assert.equal(await page.textContent('#success-files'), fmt(t.attachments_failed, { names: 'real.png' }));
  await page.context().close();
});

test('the function cannot be reached: the fallback names every file to attach to the email', async () => {
  const page = await newPage(browser);
  await fakeBucket(page);
  await page.route('**/api/tickets', (route) => route.abort('connectionrefused'));
  await page.goto(url(CONTACT));
  const t = await strings(page);
  await fill(page);
  await choose(page, ['one.png', 'two.png'].map((name) => ({ name, mimeType: 'image/png', buffer: png() })));
  await uploaded(page, 'two.png');
  await page.click('#ticket-form button[type=submit]');
  await page.locator('#fallback-panel').waitFor({ state: 'visible' });
  assert.equal(await page.textContent('#fallback-files'), fmt(t.attachments_fallback, { names: 'one.png, two.png' }));
  const href = await page.getAttribute('#fallback-mailto', 'href');
  const body = new URLSearchParams(href.slice(href.indexOf('?') + 1)).get('body');
  assert.ok(body.includes(`${t.field_attachments}: one.png, two.png`), body);
  await page.context().close();
});

test('without JavaScript: the form posts a PNG as multipart, the thank-you page follows, the file is stored with the ticket', async () => {
  const page = await newPage(browser, { javaScriptEnabled: false });
  await page.goto(url(CONTACT));
  assert.ok(await page.locator('#f-attachments-nojs').isVisible(), "the post's limit is stated");
  assert.equal(await page.getAttribute('#ticket-form', 'enctype'), 'multipart/form-data');
  await page.selectOption('#f-audience', 'users');
  await page.selectOption('#f-category', 'account');
  const subject = await fill(page, marker('No script screenshot'));
  const bytes = png(40, 30, [200, 30, 30]);
  await page.setInputFiles('#f-attachments', { name: 'plain-post.png', mimeType: 'image/png', buffer: bytes });
  await page.click('#ticket-form button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/en/contact/thanks/' && u.searchParams.has('ticket'));
  const ticketId = new URL(page.url()).searchParams.get('ticket');
  const stored = await waitForTicket((s) => s.subject === subject);
  assert.ok(stored, 'the ticket is stored');
  assert.equal(stored.ticket_id, ticketId);
  assert.equal(stored.attachments?.length, 1, JSON.stringify(stored));
  assert.match(stored.attachments[0].key, new RegExp(`^tickets/${ticketId}/[0-9A-Za-z]{10}/plain-post\\.png$`));
  assert.deepEqual(readFileSync(uploadPath(stored.attachments[0].key)), bytes);
  await page.context().close();
});

test("back from a post without JavaScript: a too large post is the post's limit; the thank-you page counts files that did not arrive", async () => {
  const page = await newPage(browser);
  await page.goto(url(`${CONTACT}&errors=attachments:too_large`));
  const t = await strings(page);
  const post = await page.locator('.file-field').getAttribute('data-max-post-mib');
  await page.locator('#f-attachments-error').waitFor({ state: 'visible' });
  assert.equal(await page.textContent('#f-attachments-error'), fmt(t.error_too_large, { mib: post }));
  assert.ok(await page.locator('#f-attachments-nojs').isHidden(), 'uploads have no post limit');
  await page.goto(url('/en/contact/thanks/?ticket=HC-FILES-0003&attachments_failed=2'));
  await page.locator('#thanks-files').waitFor({ state: 'visible' });
  assert.equal(await page.textContent('#thanks-files'), fmt(t.attachments_failed_count, { n: 2 }));
  await page.context().close();
});

for (const lang of ['en', 'ar']) {
  test(`axe: the file field with files chosen and with an error (${lang})`, async () => {
    const page = await newPage(browser);
    await fakeBucket(page);
    await page.goto(url(`/${lang}/contact/?audience=users&category=account`));
    await choose(page, [{ name: 'screenshot.png', mimeType: 'image/png', buffer: png(96, 64) }, { name: 'session.log', mimeType: '', buffer: Buffer.from('log line\n') }]);
    await uploaded(page, 'session.log');
    let found = await violations(page);
    assert.deepEqual(found, [], `files chosen:\n  ${found.join('\n  ')}`);
    await drop(page, [{ name: 'setup.exe', type: 'application/x-msdownload', size: 10 }]);
    await page.click('#ticket-form button[type=submit]');
    await page.locator('#error-summary a[href="#f-attachments-choose"]').waitFor();
    found = await violations(page);
    assert.deepEqual(found, [], `error:\n  ${found.join('\n  ')}`);
    await page.locator('.file-field').scrollIntoViewIfNeeded();
    await screenshot(page, `attachments-${lang}`);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}
