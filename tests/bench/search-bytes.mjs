// Search download of two builds of the same corpus, side by side, in one run: each language's
// bundle size (all files of /<lang>/pagefind/, and its fragments), and what Chromium downloads
// from it for a first query on the search page (runtime, WebAssembly, metadata, the words'
// chunks, the first ten results' fragments). The queries are words of the synthetic corpus of
// ../shared/bench/gen_corpus.py (N=10000: see README "Performance").
//
//   node tests/bench/search-bytes.mjs BEFORE_SITE AFTER_SITE
//
// Each argument is a built site (`helpcenter build --out`), served here on 127.0.0.1. Needs
// tests/browser's npm packages (tests/browser/run.sh installs them) and CHROMIUM
// (default /usr/bin/chromium).
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [before, after] = process.argv.slice(2);
if (!before || !after) throw new Error('usage: node tests/bench/search-bytes.mjs BEFORE_SITE AFTER_SITE');
const QUERIES = {
  en: ['storeportim', 'syncteam viewchanment'],
  it: ['zioti', 'carisoù'],
  es: ['mienracrip', 'desciónpá'],
  ru: ['нигруъегру', 'скаропорт'],
  vi: ['khắc kiểm', 'liên nhóm'],
};

function serve(root) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    let file = join(root, path);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const type = { js: 'text/javascript', html: 'text/html', css: 'text/css', json: 'application/json' }[file.split('.').pop()];
      if (type) res.setHeader('Content-Type', type);
      res.end(readFileSync(file));
    }
    catch { res.statusCode = 404; res.end(); }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

function treeBytes(dir) {
  let total = 0, files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { const t = treeBytes(p); total += t.total; files += t.files; }
    else { total += statSync(p).size; files++; }
  }
  return { total, files };
}

async function firstQuery(browser, base, lang, q) {
  const page = await browser.newPage();
  const got = new Map();
  page.on('response', async (r) => {
    if (r.url().includes('/pagefind/')) { try { got.set(r.url(), (await r.body()).length); } catch {} }
  });
  await page.goto(`${base}/${lang}/search/?q=${encodeURIComponent(q)}`);
  await page.waitForFunction(() => document.querySelector('#search-status')?.textContent.trim());
  await page.waitForLoadState('networkidle');
  const results = await page.locator('#search-results > li').count();
  const sections = await page.locator('#search-results .search-section').count();
  await page.close();
  const kind = (u) => u.includes('/fragment/') ? 'fragments' : u.includes('/index/') ? 'chunks' : 'runtime';
  const parts = { runtime: 0, chunks: 0, fragments: 0 };
  for (const [u, n] of got) parts[kind(u)] += n;
  return { total: [...got.values()].reduce((a, b) => a + b, 0), ...parts, results, sections };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const servers = await Promise.all([serve(before), serve(after)]);
const bases = servers.map((s) => `http://127.0.0.1:${s.address().port}`);
const pct = (a, b) => `${((b / a - 1) * 100).toFixed(1)}%`;
console.log('index size (all files of /<lang>/pagefind/, bytes)');
console.log('lang\tbefore\tafter\tchange\tfragments before\tfragments after\tchange');
let sums = [0, 0];
for (const lang of Object.keys(QUERIES)) {
  const [b, a] = [before, after].map((d) => treeBytes(join(d, lang, 'pagefind')).total);
  const [fb, fa] = [before, after].map((d) => treeBytes(join(d, lang, 'pagefind', 'fragment')).total);
  sums[0] += b; sums[1] += a;
  console.log(`${lang}\t${b}\t${a}\t${pct(b, a)}\t${fb}\t${fa}\t${pct(fb, fa)}`);
}
console.log(`all\t${sums[0]}\t${sums[1]}\t${pct(sums[0], sums[1])}`);
console.log('\nfirst query (bytes a fresh browser downloads from /<lang>/pagefind/ for the search page\'s first 10 results)');
console.log('lang\tquery\tbefore\tafter\tchange\tfragments before\tafter\tresults\tsection links after');
for (const [lang, qs] of Object.entries(QUERIES)) {
  for (const q of qs) {
    const [b, a] = [await firstQuery(browser, bases[0], lang, q), await firstQuery(browser, bases[1], lang, q)];
    console.log(`${lang}\t${q}\t${b.total}\t${a.total}\t${pct(b.total, a.total)}\t${b.fragments}\t${a.fragments}\t${b.results}/${a.results}\t${a.sections}`);
  }
}
await browser.close();
servers.forEach((s) => s.close());
