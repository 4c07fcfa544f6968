// The site's security headers as serve sends them, and the harness's CSP check (lib.mjs), which
// fails every test whose pages break the policy: shown here to catch an inline script and style.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, url } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The `/*` block of the site's `_headers` file, by lower-case name. */
async function declared() {
  const text = await (await fetch(url('/_headers'))).text();
  const block = text.split('\n').filter((l) => /^\s+\S/.test(l));
  return Object.fromEntries(block.map((l) => {
    const at = l.indexOf(':');
    return [l.slice(0, at).trim().toLowerCase(), l.slice(at + 1).trim()];
  }));
}

test('serve sends the _headers of the site on pages, assets, the ticket endpoint and 404s', async () => {
  const headers = await declared();
  assert.match(headers['content-security-policy'], /^default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';/);
  assert.ok(!headers['content-security-policy'].includes('unsafe-inline'));
  assert.equal(headers['strict-transport-security'], 'max-age=63072000; includeSubDomains');
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'strict-origin-when-cross-origin');
  assert.match(headers['permissions-policy'], /camera=\(\).*geolocation=\(\).*microphone=\(\)/);

  const page = await newPage(browser);
  const response = await page.goto(url('/en/'));
  const css = await page.locator('link[rel=stylesheet]').first().getAttribute('href');
  const answers = [
    ['the home page', response],
    ['a style sheet', await fetch(url(css))],
    ['a missing page', await fetch(url('/en/no-such-page/'))],
    ['the ticket endpoint', await fetch(url('/api/tickets'), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })],
  ];
  for (const [what, r] of answers) {
    const get = (name) => (typeof r.headers === 'function' ? r.headers()[name] : r.headers.get(name));
    for (const [name, value] of Object.entries(headers)) {
      assert.equal(get(name), value, `${what}: ${name}`);
    }
  }
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('an injected inline script and style attribute are refused and reported', async () => {
  const page = await newPage(browser);
  await page.goto(url('/en/'));
  assert.deepEqual(page.cspViolations, [], 'the page itself keeps to the policy');
  await page.addScriptTag({ content: 'window.injected = true;' }).catch(() => {});
  await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p id="styled" style="color: rgb(255, 0, 0)">x</p>'));
  await page.waitForFunction(() => true); // let the events arrive
  await expectViolations(page, ['script-src-elem', 'style-src-attr']);
  assert.equal(await page.evaluate(() => window.injected), undefined, 'the script did not run');
  assert.notEqual(await page.locator('#styled').evaluate((e) => getComputedStyle(e).color), 'rgb(255, 0, 0)', 'the style was not applied');
  page.cspViolations.length = 0; // caused on purpose: the harness's check must not fail this test
  await page.context().close();
});

async function expectViolations(page, directives) {
  const until = Date.now() + 5000;
  while (!directives.every((d) => page.cspViolations.some((v) => v.includes(d)))) {
    if (Date.now() > until) assert.fail(`expected ${directives.join(', ')}, saw: ${page.cspViolations.join('; ') || 'nothing'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
