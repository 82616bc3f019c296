// The weight of every portal page as a first visit gets it: each page in a fresh context
// with the cache disabled, JavaScript on, every byte the network layer received counted
// (Network.loadingFinished's encodedDataLength: compressed bodies and headers), map
// tiles and user photos/attachments left out. Prints "page  requests  KB" and exits 1 when
// a page weighs LIMIT_KB (100) or more (1 KB = 1000 bytes).
//
// Usage: node page-weight.mjs   (ADUAN_BINARY, ADUAN_BASE_URL as for the tests;
//        PAGE_WEIGHT_EXTRA=/a,/b weighs more paths too)

import { startServer } from './lib/server.mjs';
import { Api, launchBrowser, fillReport, sendReport, signIn, clickAndWait, DEMO, DESKTOP } from './lib/harness.mjs';

const LIMIT_KB = Number(process.env.PAGE_WEIGHT_LIMIT_KB || 100);

/** Map tiles (any other host, or a z/x/y image) and user uploads are not the page's own weight. */
function excluded(url, origin) {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:') return true;
  if (u.origin !== origin) return true;
  if (/\/\d+\/\d+\/\d+(@2x)?\.(png|jpe?g|webp)$/i.test(u.pathname)) return true;
  return /\/(lampiran|attachments?|unggahan|uploads?|foto)\//i.test(u.pathname);
}

const server = process.env.ADUAN_BASE_URL ? null : await startServer();
const base = (process.env.ADUAN_BASE_URL || server.base).replace(/\/$/, '');
const origin = new URL(base).origin;
const env = { base, api: new Api(base) };
const browser = await launchBrowser();
env.browser = browser;
const rows = [];
let failed = false;

/**
 * Measures one page: `prepare` may take steps first (sign in, fill a form) whose bytes
 * are not counted; `open` is the navigation measured.
 */
async function measure(name, open, prepare = async () => {}) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'id-ID' });
  context.setDefaultTimeout(15_000);
  await context.route((url) => url.origin !== origin && !['data:', 'blob:'].includes(url.protocol), (r) => r.abort());
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map();
  let counting = false;
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId);
    if (!counting || !url || excluded(url, origin)) return;
    requests += 1;
    bytes += e.encodedDataLength;
  });
  try {
    await prepare(page);
    counting = true;
    await open(page);
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
    counting = false;
    rows.push({ name, requests, kb: bytes / 1000 });
  } catch (e) {
    failed = true;
    rows.push({ name, requests: '-', kb: NaN, error: e.message.split('\n')[0] });
  } finally {
    await context.close();
  }
}

const go = (path) => async (page) => {
  const r = await page.goto(base + path, { waitUntil: 'load' });
  if (!r || !r.ok()) throw new Error(`GET ${path.replace(/kunci=[^&]+/, 'kunci=…')}: HTTP ${r?.status()}`);
};
const guest = { name: 'Rudi Hartono', email: 'rudi.tamu@example.com', phone: '081234567890' };
const report = {
  js: true,
  title: 'Jalan berlubang di depan pasar',
  description: 'Sejak dua minggu jalan poros di depan pasar berlubang besar dan tergenang air.',
  guest,
};

try {
  const answered = await env.api.file();
  await env.api.forward(answered.tracking);
  await env.api.answer(answered.tracking, 'Perbaikan dijadwalkan minggu depan.');
  const follow = new URL(answered.privateLink, base);

  await measure('/', go('/'));
  await measure('/lapor', go('/lapor'));
  await measure(
    '/lapor (check page)',
    (page) => clickAndWait(page, page.locator('button[name=step][value=check]')),
    async (page) => {
      await go('/lapor')(page);
      await fillReport(page, report);
    },
  );
  await measure(
    '/lapor/{nomor}?baru=1 (confirmation)',
    (page) => sendReport(page),
    async (page) => {
      await go('/lapor')(page);
      await fillReport(page, report);
      await clickAndWait(page, page.locator('button[name=step][value=check]'));
    },
  );
  await measure('/lapor/{nomor}?kunci= (follow)', go(follow.pathname + follow.search));
  await measure('/lacak', go('/lacak'));
  await measure('/laporan', go('/laporan'));
  await measure('/laporan/{nomor}', go(`/laporan/${answered.tracking}`));
  await measure('/peta', go('/peta'));
  await measure('/statistik', go('/statistik'));
  await measure('/statistik/peringkat', go('/statistik/peringkat'));
  await measure('/statistik/definisi', go('/statistik/definisi'));
  await measure('/data', go('/data'));
  await measure('/masuk', go('/masuk'));
  await measure('/daftar', go('/daftar'));
  await measure('/laporan-saya', go('/laporan-saya'), (page) => signIn(page, env, DEMO.citizen));
  if (process.env.PAGE_WEIGHT_EXTRA) for (const path of process.env.PAGE_WEIGHT_EXTRA.split(',')) await measure(path, go(path));
} finally {
  await browser.close();
  await server?.stop();
}

const width = Math.max(...rows.map((r) => r.name.length), 4);
console.log(`${'page'.padEnd(width)}  requests      KB`);
for (const r of rows) {
  const over = r.kb >= LIMIT_KB;
  if (over) failed = true;
  const kb = Number.isNaN(r.kb) ? '-' : r.kb.toFixed(1);
  const note = r.error ? `  FAILED: ${r.error}` : over ? `  ≥ ${LIMIT_KB} KB` : '';
  console.log(`${r.name.padEnd(width)}  ${String(r.requests).padStart(8)}  ${kb.padStart(6)}${note}`);
}
console.log(failed ? `page-weight: FAILED (limit ${LIMIT_KB} KB per page)` : `page-weight: every page under ${LIMIT_KB} KB`);
process.exit(failed ? 1 : 0);
