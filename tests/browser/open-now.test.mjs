// "Open now?": the contact page and the "still need help?" blocks say whether support is open,
// computed in the browser from the hours of content/helpcenter.yaml (Europe/Rome; Mon–Fri
// 09:00–18:00, Sat–Sun 10:00–14:00; closed 2026-12-25, 2026-12-26, 2027-01-01). The clock is fixed
// and the visitor's time zone chosen per context, so each case is one instant seen from one place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, url, violations } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CONTACT = '.contact-info .open-now';
const HELP_BLOCK = '.still-need-help .open-now';

/** The page at `path` seen at instant `iso` from `timezoneId`, with its open-now line shown. */
async function openAt(iso, timezoneId, path = '/en/contact/', selector = CONTACT) {
  const page = await newPage(browser, { timezoneId });
  await page.clock.setFixedTime(new Date(iso));
  await page.goto(url(path));
  const line = page.locator(selector);
  await line.waitFor({ state: 'visible' });
  return { page, text: (await line.textContent()).trim() };
}

async function says(iso, timezoneId, expected, path, selector) {
  const { page, text } = await openAt(iso, timezoneId, path, selector);
  assert.equal(text, expected, `${iso} from ${timezoneId} on ${path || '/en/contact/'}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
}

test('open: the same words from any time zone, on the contact page and in a help block', async () => {
  // Tuesday 1 December 2026, 10:30 in Rome.
  const open = 'Open now — we usually answer within 24 hours.';
  await says('2026-12-01T09:30:00Z', 'America/New_York', open);
  await says('2026-12-01T09:30:00Z', 'Asia/Tokyo', open);
  await says('2026-12-01T09:30:00Z', 'Asia/Tokyo', open, '/en/users/account/reset-your-password/', HELP_BLOCK);
  await says('2026-12-01T09:30:00Z', 'Asia/Tokyo', open, '/en/users/', HELP_BLOCK);
});

test('closed: the next opening in the support\'s time and in the visitor\'s, for two visitors', async () => {
  // Tuesday 19:00 in Rome; Wednesday 09:00 in Rome is 08:00 UTC.
  const at = '2026-12-01T18:00:00Z';
  await says(at, 'Asia/Tokyo', 'Closed now — we open again Wednesday at 9:00 AM (5:00 PM your time).');
  await says(at, 'America/New_York', 'Closed now — we open again Wednesday at 9:00 AM (3:00 AM your time).');
  // Still Tuesday evening in Honolulu: the visitor's day is named.
  await says(at, 'Pacific/Honolulu', 'Closed now — we open again Wednesday at 9:00 AM (Tue 10:00 PM your time).');
  // A visitor in the support's own zone reads one time.
  await says(at, 'Europe/Rome', 'Closed now — we open again Wednesday at 9:00 AM.');
  await says(at, 'Asia/Tokyo', 'Closed now — we open again Wednesday at 9:00 AM (5:00 PM your time).', '/en/users/account/', HELP_BLOCK);
});

test('in the page\'s language: Italian, Russian and Arabic days and times', async () => {
  const at = '2026-12-01T18:00:00Z';
  await says(at, 'Asia/Tokyo', 'Chiusi ora — riapriamo mercoledì alle 9:00 (17:00 nel tuo orario).', '/it/contact/');
  await says(at, 'Asia/Tokyo', 'Сейчас мы не на связи — снова откроемся: среда, 9:00 (17:00 по вашему времени).', '/ru/contact/');
  const { page, text } = await openAt(at, 'Asia/Tokyo', '/ar/contact/');
  assert.match(text, /^مغلق الآن — نفتح مجددًا يوم الأربعاء الساعة /, text);
  await page.context().close();
});

test('holidays: closed on 25 and 26 December, open again on Sunday', async () => {
  // Friday 25 December 2026, 11:00 in Rome: a weekday's hours, but a holiday; so is Saturday.
  await says('2026-12-25T10:00:00Z', 'Asia/Tokyo', 'Closed now — we open again Sunday at 10:00 AM (6:00 PM your time).');
  await says('2026-12-25T10:00:00Z', 'Europe/Rome', 'Closed now — we open again Sunday at 10:00 AM.');
});

test('daylight saving: the opening after a change is a wall-clock time of the support\'s zone', async () => {
  // Saturday 24 October 2026, 15:00 CEST. Rome leaves summer time that night: Sunday 10:00 is CET,
  // 09:00 UTC, so 05:00 in New York (still on summer time); a fixed offset would say 04:00.
  await says('2026-10-24T13:00:00Z', 'America/New_York', 'Closed now — we open again Sunday at 10:00 AM (5:00 AM your time).');
  // A week later New York leaves summer time on Sunday at 02:00: 10:00 CET is 04:00 EST there.
  await says('2026-10-31T14:00:00Z', 'America/New_York', 'Closed now — we open again Sunday at 10:00 AM (4:00 AM your time).');
  // Spring: Rome's clocks go forward on Sunday 28 March 2027; 10:00 CEST is 08:00 UTC, 17:00 in Tokyo.
  await says('2027-03-27T14:00:00Z', 'Asia/Tokyo', 'Closed now — we open again Sunday at 10:00 AM (5:00 PM your time).');
  // Open at 17:30 on the Monday after the change: 15:30 UTC is in CET hours, not after them.
  await says('2026-10-26T16:30:00Z', 'America/New_York', 'Open now — we usually answer within 24 hours.');
});

test('without JavaScript: the hours table alone', async () => {
  const page = await newPage(browser, { javaScriptEnabled: false });
  await page.goto(url('/en/contact/'));
  assert.equal(await page.locator(CONTACT).isVisible(), false);
  assert.equal(await page.locator('.contact-info .hours').isVisible(), true);
  assert.match(await page.locator('.contact-info').textContent(), /CET\/CEST \(UTC\+1\/UTC\+2\)/);
  await page.context().close();
});

test('/favicon.ico answers 200 with an icon, and pages link the theme\'s icons', async () => {
  const page = await newPage(browser);
  const response = await page.request.get(url('/favicon.ico'));
  assert.equal(response.status(), 200);
  assert.deepEqual([...(await response.body()).subarray(0, 4)], [0, 0, 1, 0], 'an ICO file');
  await page.goto(url('/en/'));
  for (const href of await page.locator('link[rel=icon]').evaluateAll((ls) => ls.map((l) => l.href))) {
    assert.equal((await page.request.get(href)).status(), 200, href);
  }
  await page.context().close();
});

for (const lang of ['en', 'ar']) {
  test(`axe: the contact page with the status shown (${lang})`, async () => {
    const { page } = await openAt('2026-12-01T18:00:00Z', 'Asia/Tokyo', `/${lang}/contact/`);
    const found = await violations(page);
    assert.deepEqual(found, [], `axe violations:\n  ${found.join('\n  ')}`);
    await page.context().close();
  });
}

test('on paper: no header, footer, search, forms or help block; links show their address', async () => {
  const page = await newPage(browser);
  await page.emulateMedia({ media: 'print' });
  await page.goto(url('/en/users/account/reset-your-password/'));
  for (const chrome of ['header.top', 'footer.bottom', '.search-box', '.still-need-help', '.breadcrumbs']) {
    assert.equal(await page.locator(chrome).isVisible(), false, `${chrome} is printed`);
  }
  assert.equal(await page.locator('article h1').isVisible(), true);
  const after = await page.locator('article .prose a[href^="/"]').first()
    .evaluate((a) => [getComputedStyle(a, '::after').content, a.getAttribute('href')]);
  assert.equal(after[0], `" <${after[1]}>"`);
  await page.goto(url('/en/contact/'));
  assert.equal(await page.locator('#ticket-form').isVisible(), false, 'the form is not printed');
  assert.equal(await page.locator('.contact-info .hours').isVisible(), true, 'the hours are');
  await page.context().close();
});
