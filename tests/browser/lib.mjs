// Shared helpers of the browser tests: the server started by run.sh, Debian's Chromium driven by
// playwright-core, the local ticket store and uploads, real PNG files, and where artifacts go.
// Every page opened through `newPage` runs under the site's Content-Security-Policy (serve sends
// it): a violation on any of them fails the test that opened it (see `cspViolations`).
import { afterEach } from 'node:test';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** `http://127.0.0.1:PORT` of `helpcenter serve` (run.sh exports it). */
export const BASE = (process.env.HELPCENTER_URL || '').replace(/\/+$/, '');
/** The server's `--state` directory: tickets in tickets/tickets.jsonl, emails in outbox/, files in uploads/. */
export const STATE = process.env.HELPCENTER_STATE || '';
if (!BASE || !STATE) {
  throw new Error('HELPCENTER_URL and HELPCENTER_STATE are not set: run the tests with tests/browser/run.sh');
}
export const ARTIFACTS = process.env.HELPCENTER_ARTIFACTS || join(here, '..', 'artifacts');
export const SCREENSHOTS = join(ARTIFACTS, 'screenshots');

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// The flags Debian's chromium needs to run headless as root in a container (TESTING-AWS.md).
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Starts Chromium headless. playwright-core gives every launch a fresh temporary profile
 * (its own --user-data-dir, removed on close) and every context its own storage.
 */
export async function launch() {
  // Chromium now and then dies while starting in a container; a second try is enough.
  for (let attempt = 1; ; attempt++) {
    try {
      return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000 });
    } catch (e) {
      if (attempt >= 3) throw e;
      console.error(`# chromium did not start (attempt ${attempt}): ${String(e.message).split('\n')[0]}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Pages opened since the last test ended, whose CSP violations that test answers for. */
const opened = new Set();

/**
 * Every Content-Security-Policy violation of every page the test opened (each page's
 * `cspViolations`: `securitypolicyviolation` events and Chromium's console CSP errors, with the
 * page's address when they happened, so a navigation keeps them) fails the test. A test that
 * causes one on purpose empties `page.cspViolations` after checking it.
 */
afterEach(() => {
  const found = [...opened].flatMap((page) => page.cspViolations);
  opened.clear();
  if (found.length > 0) throw new Error(`Content-Security-Policy violations:\n  ${found.join('\n  ')}`);
});

/**
 * A page in a new context; console errors and failed page scripts are collected in
 * `page.problems`, CSP violations (also in `problems` when Chromium logs them) in `page.cspViolations`.
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.problems = [];
  page.cspViolations = [];
  opened.add(page);
  await context.exposeBinding('__helpcenterCspViolation', ({ frame }, what) => {
    page.cspViolations.push(`${frame.url()}: ${what}`);
  });
  // Injected by the browser before the page's own scripts: the policy does not apply to it.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__helpcenterCspViolation(`${e.effectiveDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile || 'the page'}:${e.lineNumber})`);
    });
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) page.cspViolations.push(`${page.url()}: console: ${m.text()}`);
    // A failed load is reported below with its address.
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) page.problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (r.status() >= 400 && u.origin === BASE && !page.expectedFailures?.(r)) {
      page.problems.push(`HTTP ${r.status()} ${u.pathname}${u.search}`);
    }
  });
  page.setDefaultTimeout(10_000);
  return page;
}

export const url = (path) => BASE + path;

/** Every ticket the local store holds, oldest first. */
export function tickets() {
  const file = join(STATE, 'tickets', 'tickets.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** Waits until a ticket matching `pred` is in the store (the server appends asynchronously). */
export async function waitForTicket(pred, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = tickets().find(pred);
    if (found) return found;
    if (Date.now() > until) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Where serve keeps a file of the uploads bucket (`tickets/<ticket_id>/<upload_id>/<name>`). */
export const uploadPath = (key) => join(STATE, 'uploads', ...key.split('/'));

/**
 * A real PNG (`width`×`height`, one colour, about 100 bytes for small sizes): what a screenshot
 * is to the function, which judges a file by its first bytes.
 */
export function png(width = 32, height = 24, [r, g, b] = [29, 78, 216]) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB
  const line = Buffer.alloc(1 + width * 3); // filter byte 0, then the pixels
  for (let x = 0; x < width; x++) line.set([r, g, b], 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => line));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes) {
  let c = ~0;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** Runs axe-core on the page (every rule but the experimental ones) and returns its violations. */
export async function violations(page) {
  // Evaluated through the DevTools protocol, not as a <script>: an inline tag would break the
  // page's Content-Security-Policy.
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\s+/g, ' ')).join('\n    ')}`);
}

/** Saves a full-page screenshot under tests/artifacts/screenshots/. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A unique marker to find this run's ticket in the store. */
export const marker = (what) => `${what} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
