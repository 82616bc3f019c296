// Shared by every browser test: one aduan server and one headless Chromium per test file
// (or the server named by ADUAN_BASE_URL, as scripts/browser-tests runs them), contexts
// that record the security headers of every page they load, the JSON API for staff
// steps, and small helpers for the portal's forms.

import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, ROOT } from './server.mjs';

export { assert };
export const PASSWORD = 'aduan-demo-2026';
export const DEMO = {
  citizen: 'warga@demo.aduan.id',
  screener: 'verifikator@demo.aduan.id',
  coordinator: 'kominfo@demo.aduan.id',
  officer: 'pupr@demo.aduan.id',
};
/** A village in Kabupaten Kutai Timur, whose desk and OPDs the demo accounts staff. */
export const PLACE = {
  province: { code: '64', name: 'Kalimantan Timur' },
  regency: { code: '64.08', name: 'Kutai Timur' },
  district: { code: '64.08.01', name: 'Muara Ancalong' },
  village: { code: '64.08.01.2001', name: 'Senyiur' },
};
export const CATEGORY = { code: 'pupr.jalan', name: 'Jalan dan Jembatan', search: 'jalan' };
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
/** Tracking numbers as the API gives them, e.g. T5KBN3R25 (the pages may group them: T5K-BN3-R25). */
export const TRACKING_RE = /^[A-Z0-9]{6,16}$/;

/** A tracking number without the grouping the pages may add (T5K-BN3-R25 → T5KBN3R25). */
export function plain(tracking) {
  return decodeURIComponent(tracking).replace(/[\s-]/g, '').toUpperCase();
}

/** Whether a text shows that tracking number, grouped or not. */
export function showsTracking(text, tracking) {
  return new RegExp(plain(tracking).split('').join('[\\s-]?')).test(text);
}

/** The tracking number at the end of a /laporan/… or /lapor/… link. */
export function trackingOf(href) {
  return plain(new URL(href, 'http://x').pathname.split('/').pop());
}

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');

// ---------------------------------------------------------------------------------------
// Server and browser, once per test file.

const shared = { server: null, browser: null };

/**
 * Registers the file's before/after hooks; the returned object's fields (base, browser,
 * api) are set once `before` ran. `prepare(env)`, when given, runs after that, in the same
 * hook (Node 20 runs a file's top-level `before` hooks concurrently, so a second one could
 * not rely on the first). `ownServer`: always a fresh server of its own (fresh demo data),
 * even when ADUAN_BASE_URL names a shared one.
 */
export function setup(prepare, { ownServer = false } = {}) {
  const env = {};
  before(async () => {
    if (process.env.ADUAN_BASE_URL && !ownServer) {
      env.base = process.env.ADUAN_BASE_URL.replace(/\/$/, '');
    } else {
      shared.server = await startServer();
      env.base = shared.server.base;
    }
    shared.browser = await launchBrowser();
    env.browser = shared.browser;
    env.api = new Api(env.base);
    if (prepare) await prepare(env);
  });
  after(async () => {
    await shared.browser?.close().catch(() => {});
    await shared.server?.stop();
  });
  return env;
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

// ---------------------------------------------------------------------------------------
// Contexts that check what they load.

/** Every HTML page loaded by any context of this process, with what is wrong with it. */
export const pagesSeen = new Map();
/** Script errors and CSP reports seen in any page. */
export const scriptProblems = [];
/** Requests to anything but the server under test (aborted). */
export const outsideRequests = new Set();

/**
 * What is missing from a page's headers: a Content-Security-Policy whose script-src (or
 * default-src) has no 'unsafe-inline' and which names frame-ancestors,
 * X-Content-Type-Options: nosniff, and a Referrer-Policy.
 */
export function securityProblems(headers) {
  const problems = [];
  const csp = headers['content-security-policy'];
  if (!csp) {
    problems.push('no Content-Security-Policy');
  } else {
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name.toLowerCase(), values]),
    );
    const scripts = directives.get('script-src') ?? directives.get('default-src');
    if (!scripts) problems.push(`CSP has neither script-src nor default-src: ${csp}`);
    else if (scripts.includes("'unsafe-inline'")) problems.push(`CSP script-src allows 'unsafe-inline': ${csp}`);
    if (!directives.has('frame-ancestors')) problems.push(`CSP has no frame-ancestors: ${csp}`);
  }
  if ((headers['x-content-type-options'] || '').toLowerCase() !== 'nosniff') {
    problems.push(`X-Content-Type-Options is ${JSON.stringify(headers['x-content-type-options'] ?? null)}, not nosniff`);
  }
  if (!headers['referrer-policy']) problems.push('no Referrer-Policy');
  return problems;
}

function pathOf(url) {
  const u = new URL(url);
  // Private-link secrets stay out of the logs.
  if (u.searchParams.has('kunci')) u.searchParams.set('kunci', '…');
  return u.pathname + u.search;
}

/**
 * A browser context on the server under test: requests anywhere else are aborted (there
 * is no internet; map tiles come from outside), and every HTML document it loads has its
 * security headers recorded.
 */
export async function newContext(env, options = {}) {
  const context = await env.browser.newContext({
    viewport: DESKTOP,
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    ...options,
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(20_000);
  const origin = new URL(env.base).origin;
  await context.route(
    (url) => url.origin !== origin && url.protocol !== 'data:' && url.protocol !== 'blob:',
    (route) => {
      outsideRequests.add(new URL(route.request().url()).origin);
      return route.abort('blockedbyclient');
    },
  );
  context.on('response', async (response) => {
    try {
      const request = response.request();
      if (request.resourceType() !== 'document' || !response.url().startsWith(origin)) return;
      const headers = await response.allHeaders();
      if (!(headers['content-type'] || '').includes('text/html')) return;
      const key = `${request.method()} ${pathOf(response.url())}`;
      pagesSeen.set(key, securityProblems(headers));
    } catch {
      // The page went away before its headers were read.
    }
  });
  context.on('page', (page) => watchPage(page));
  return context;
}

function watchPage(page) {
  page.on('pageerror', (e) => scriptProblems.push(`${pathOf(page.url())}: script error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(text)) {
      scriptProblems.push(`${pathOf(page.url())}: ${text}`);
    }
  });
}

/** A page in a new context of its own; closes with `page.context().close()`. */
export async function newPage(env, options = {}) {
  const context = await newContext(env, options);
  return context.newPage();
}

/**
 * The closing tests of every file: each HTML page this file loaded carried the security
 * headers, and no page had a script error or a CSP violation.
 */
export function securityTests() {
  test('every page visited sends CSP without unsafe-inline scripts, frame-ancestors, nosniff and a Referrer-Policy', () => {
    assert.ok(pagesSeen.size > 0, 'no HTML page was loaded');
    const bad = [...pagesSeen].filter(([, p]) => p.length > 0).map(([k, p]) => `${k}: ${p.join('; ')}`);
    assert.deepEqual(bad, [], `pages with missing or weak security headers:\n${bad.join('\n')}`);
  });
  test('no script error or Content-Security-Policy violation in any page', () => {
    const unique = [...new Set(scriptProblems)];
    assert.deepEqual(unique, [], unique.join('\n'));
    if (outsideRequests.size) console.log(`# requests to other hosts (aborted): ${[...outsideRequests].join(', ')}`);
  });
}

// ---------------------------------------------------------------------------------------
// Pages.

/** Navigates and insists on a 2xx HTML answer. */
export async function visit(page, env, path) {
  const response = await page.goto(new URL(path, env.base).href, { waitUntil: 'load' });
  assert.ok(response, `no response for ${path}`);
  assert.ok(response.ok(), `GET ${path}: HTTP ${response.status()}`);
  return response;
}

/** Clicks and waits for the navigation it starts (a form submission or a link). */
export async function clickAndWait(page, locator) {
  const before = page.url();
  let answer = null;
  const record = (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) answer = response;
  };
  page.on('response', record);
  try {
    await Promise.all([page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() }), locator.click()]);
    await page.waitForLoadState('load');
  } finally {
    page.off('response', record);
  }
  // A form re-rendered with its errors may be a 4xx; a refusal, a missing route or a
  // server error is not what a visitor should get from a button of the portal.
  const status = answer?.status() ?? 200;
  if ([401, 403, 404, 405].includes(status) || status >= 500) {
    const request = answer.request();
    const text = (await bodyText(page).catch(() => '')).slice(0, 300);
    throw new Error(`${request.method()} ${pathOf(request.url())} (from ${pathOf(before)}): HTTP ${status}: ${text}`);
  }
  return before;
}

/** The text of the page's body, whitespace squeezed. */
export async function bodyText(page) {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ');
}

/**
 * Chooses an option of a <select> by its value (a code) or, failing that, by a part of its
 * label; returns the value chosen.
 */
export async function choose(page, selector, { code, name }) {
  const select = page.locator(selector);
  await select.waitFor({ state: 'attached' });
  const options = await select.locator('option').evaluateAll((os) =>
    os.map((o) => ({ value: o.value, label: o.textContent.trim(), disabled: o.disabled })),
  );
  const wanted =
    options.find((o) => code && o.value === code) ||
    options.find((o) => name && o.label.toLowerCase().includes(name.toLowerCase()) && o.value);
  assert.ok(
    wanted,
    `${selector} has no option ${code ?? ''} ${name ?? ''}; it offers: ${options
      .slice(0, 12)
      .map((o) => `${o.value}=${o.label}`)
      .join(', ')}${options.length > 12 ? ', …' : ''}`,
  );
  await select.selectOption(wanted.value);
  return wanted.value;
}

/** Waits until a <select> offers an option with that code or name (filled by script). */
export async function waitForOption(page, selector, { code, name }, timeout = 10_000) {
  await page.waitForFunction(
    ({ selector, code, name }) => {
      const s = document.querySelector(selector);
      return (
        s &&
        [...s.options].some(
          (o) => (code && o.value === code) || (name && o.value && o.textContent.toLowerCase().includes(name.toLowerCase())),
        )
      );
    },
    { selector, code, name },
    { timeout },
  );
}

/** Signs in through /masuk. */
export async function signIn(page, env, email, password = PASSWORD) {
  await visit(page, env, '/masuk');
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await clickAndWait(page, page.locator('form:has(input[name=password]) [type=submit]').first());
  assert.ok(!new URL(page.url()).pathname.startsWith('/masuk'), `still on ${page.url()} after signing in as ${email}`);
  assert.equal(await page.locator('form#logout').count(), 1, 'no form#logout in the header after signing in');
}

/** A small JPEG made by Chromium itself: a screenshot of a coloured page. */
export async function makeJpeg(env) {
  const page = await env.browser.newPage({ viewport: { width: 320, height: 240 } });
  await page.setContent(
    '<body style="margin:0;background:linear-gradient(135deg,#c33,#fc3 50%,#36c)"><h1 style="font:40px sans-serif;color:#fff;padding:20px">Jalan rusak</h1></body>',
  );
  const jpeg = await page.screenshot({ type: 'jpeg', quality: 80 });
  await page.close();
  const dir = mkdtempSync(join(tmpdir(), 'aduan-jpeg-'));
  const path = join(dir, 'jalan-rusak.jpg');
  writeFileSync(path, jpeg);
  return path;
}

/** A PNG screenshot into docs/screenshots/NAME.png. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

export function unique(word = 'uji') {
  return `${word}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

// ---------------------------------------------------------------------------------------
// The filing form.

/**
 * Fills /lapor (already open) for Kutai Timur. With `js` the region selects fill by
 * themselves and the category is found with #category-search; without, each level is
 * loaded with the "Pilih wilayah" button.
 */
export async function fillReport(page, { js, title, description, guest, attachment, incidentDate = '2026-11-20' }) {
  await page.locator('#kind-pengaduan').check();
  await page.locator('#title').fill(title);
  await page.locator('#description').fill(description);
  await page.locator('#incident_date').fill(incidentDate);
  const levels = ['province', 'regency', 'district', 'village'];
  for (const [i, level] of levels.entries()) {
    if (i > 0) {
      if (js) await waitForOption(page, `#${level}`, PLACE[level]);
      else {
        await clickAndWait(page, page.locator('button[name=step][value=region]'));
        // What was typed survives the reload.
        assert.equal(await page.locator('#title').inputValue(), title, `title lost after loading the ${level} level`);
      }
    }
    await choose(page, `#${level}`, PLACE[level]);
  }
  await page.locator('#address').fill('Jl. Poros Muara Ancalong, depan pasar');
  if (js) {
    await page.locator('#category-search').fill(CATEGORY.search);
  }
  await choose(page, '#category', CATEGORY);
  if (attachment) await page.locator('input[type=file][name=attachments]').setInputFiles(attachment);
  if (guest) {
    await page.locator('#name').fill(guest.name);
    await page.locator('#email').fill(guest.email);
    await page.locator('#phone').fill(guest.phone);
  }
}

/** From the check page, sends; returns { tracking, secret, privateLink } of the confirmation. */
export async function sendReport(page) {
  await clickAndWait(page, page.locator('button[name=step][value=send]'));
  const url = new URL(page.url());
  const match = url.pathname.match(/^\/lapor\/([^/]+)$/);
  assert.ok(match, `after sending, expected /lapor/{TRACKING}?kunci=…&baru=1, got ${url.pathname}`);
  assert.equal(url.searchParams.get('baru'), '1', 'confirmation URL lacks baru=1');
  const secret = url.searchParams.get('kunci');
  assert.ok(secret, 'confirmation URL lacks kunci');
  const tracking = plain((await page.locator('#tracking').innerText()).trim());
  assert.match(tracking, TRACKING_RE);
  assert.equal(tracking, plain(match[1]), '#tracking is the number in the URL');
  const privateLink = await page.locator('a#private-link').getAttribute('href');
  return { tracking, secret, privateLink };
}

// ---------------------------------------------------------------------------------------
// The JSON API, for the staff's side and for checking what the pages did.

const TITLES = [
  'Jalan berlubang di depan Pasar Senyiur',
  'Lubang besar di jalan poros Muara Ancalong',
  'Aspal jalan desa mengelupas sepanjang 200 meter',
  'Jembatan kayu di Senyiur mulai lapuk',
  'Jalan tergenang dan berlubang dekat SDN 001',
];
let filed = 0;

export class Api {
  constructor(base) {
    this.base = base;
    this.tokens = new Map();
  }

  async call(method, path, { token, secret, body, expect } = {}) {
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (secret) headers['x-report-secret'] = secret;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    const json = text ? JSON.parse(text) : null;
    if (expect !== undefined ? r.status !== expect : !r.ok) {
      throw new Error(`${method} ${path}: HTTP ${r.status} ${text.slice(0, 500)}`);
    }
    return json;
  }

  async token(email) {
    if (!this.tokens.has(email)) {
      const out = await this.call('POST', '/api/v1/auth/token', { body: { email, password: PASSWORD } });
      this.tokens.set(email, out.token);
    }
    return this.tokens.get(email);
  }

  /** The report as that person (an e-mail) or the reporter (`{secret}`) sees it. */
  async report(tracking, who) {
    const auth = typeof who === 'string' ? { token: await this.token(who) } : who?.secret ? { secret: who.secret } : {};
    return this.call('GET', `/api/v1/reports/${encodeURIComponent(tracking)}`, auth);
  }

  /** Takes an action at the report's current version. */
  async act(tracking, who, action) {
    const auth = typeof who === 'string' ? { token: await this.token(who) } : { secret: who.secret };
    const { version } = await this.report(tracking, who);
    return this.call('POST', `/api/v1/reports/${encodeURIComponent(tracking)}/actions`, {
      ...auth,
      body: { ...action, version },
    });
  }

  /** Files a report in Kutai Timur as a guest; returns { tracking, secret, privateLink }. */
  async file({ title, description, category = CATEGORY.code, reporter, token } = {}) {
    const out = await this.call('POST', '/api/v1/reports', {
      token,
      body: {
        title: title ?? TITLES[filed++ % TITLES.length],
        description: description ?? 'Jalan berlubang besar di depan pasar sejak dua minggu, membahayakan pengendara motor.',
        category,
        region: PLACE.village.code,
        address: 'Jl. Poros Muara Ancalong',
        reporter: reporter ?? { name: 'Rudi Pelapor', email: 'rudi@example.com' },
      },
    });
    return { tracking: out.tracking, secret: out.secret, privateLink: out.private_link };
  }

  /** Screener verifies (routing suggestion), coordinator disposes (default unit). */
  async forward(tracking) {
    await this.act(tracking, DEMO.screener, { action: 'verify' });
    await this.act(tracking, DEMO.coordinator, { action: 'dispose' });
  }

  async answer(tracking, text, answer = 'final') {
    return this.act(tracking, DEMO.officer, { action: 'respond', answer, text });
  }
}

// ---------------------------------------------------------------------------------------
// The staff workspace (/staf).

/** The demo staff accounts of every desk, beside DEMO's four. */
export const STAFF = {
  screener: DEMO.screener,
  coordinator: DEMO.coordinator,
  officer: DEMO.officer,
  supervisor: 'inspektorat@demo.aduan.id',
  nationalSupervisor: 'ombudsman@demo.aduan.id',
  /** An Ombudsman office: supervisor of every instansi of Kalimantan Timur. */
  supervisorSet: 'ombudsman.perwakilan@demo.aduan.id',
  admin: 'admin@demo.aduan.id',
};
/** Kutai Timur's local government and its Dinas PUPR, as the staff forms name them. */
export const KUTIM = { code: 'KAB-64.08', name: 'Kutai Timur' };
export const PUPR_UNIT = { code: 'KAB-64.08/DPUPR', name: 'Pekerjaan Umum' };

/**
 * Signs a member of staff in the way they come to work: /staf sends a guest to the
 * sign-in form (/masuk?ke=%2Fstaf, the citizens' form), and after it they land in their
 * role's place (the queue, or the admin's pages), the header offering the role switch.
 * `from: '/masuk'` signs in at the bare form instead.
 */
export async function signInStaff(page, env, email, landing = '/staf/antrian', { from = '/staf' } = {}) {
  await visit(page, env, from);
  assert.equal(new URL(page.url()).pathname, '/masuk', `${from} sends a guest to /masuk, not ${page.url()}`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(PASSWORD);
  await clickAndWait(page, page.locator('form:has(input[name=password]) [type=submit]').first());
  assert.equal(await page.locator('form#logout').count(), 1, `${email} is signed in`);
  assert.equal(new URL(page.url()).pathname, landing, `${email} lands on ${landing}, not ${page.url()}`);
  assert.equal(await page.locator('form.role-switch select#peran').count(), 1, 'the header has the role switch');
}

/** The links of the queue's table, as { tracking, title }. */
export async function queueRows(page) {
  return page.locator('table.queue tbody a[href^="/staf/laporan/"]').evaluateAll((as) =>
    as.map((a) => ({ href: a.getAttribute('href'), title: a.textContent.trim() })),
  ).then((rows) => rows.map((r) => ({ tracking: trackingOf(r.href), title: r.title, href: r.href })));
}

/**
 * Opens the queue's tab `status` searched for `word` (a word of the report's title), as a
 * person would: the tab by its link, the search by the filter form; then clicks the
 * report's row. Returns the queue's rows seen.
 */
export async function openFromQueue(page, env, { tracking, word, status }) {
  if (!new URL(page.url()).pathname.startsWith('/staf/antrian')) await visit(page, env, '/staf/antrian');
  if (status) {
    const tab = page.locator(`ul.tabs a[href*="status=${status}"]`);
    assert.equal(await tab.count(), 1, `the queue has a tab for ${status}`);
    await clickAndWait(page, tab);
    assert.equal(await page.locator(`ul.tabs a[href*="status=${status}"][aria-current=page]`).count(), 1, `the ${status} tab is current`);
  }
  if (word) {
    await page.locator('form.filters #q').fill(word);
    await clickAndWait(page, page.locator('form.filters [type=submit]'));
    assert.equal(await page.locator('form.filters #q').inputValue(), word, 'the search is kept in the form');
  }
  const rows = await queueRows(page);
  const row = rows.find((r) => r.tracking === plain(tracking));
  assert.ok(row, `${tracking} is in the queue ${page.url()}; it shows: ${rows.map((r) => r.tracking).join(', ') || 'nothing'}`);
  await clickAndWait(page, page.locator(`table.queue tbody a[href="${row.href}"]`));
  assert.equal(plain(new URL(page.url()).pathname.split('/').pop()), plain(tracking), 'on the report page');
  return rows;
}

/** The status of a staff report page, by its badge's class (status-forwarded → forwarded). */
export async function staffStatus(page) {
  const cls = (await page.locator('#status .badge').getAttribute('class')) || '';
  const m = cls.match(/status-([a-z_]+)/);
  assert.ok(m, `#status has no status-… badge: ${cls}`);
  return m[1];
}

/** The ids of the action panels (details) a staff report page offers. */
export async function staffActions(page) {
  return page.locator('.actions-panel details[id]').evaluateAll((ds) => ds.map((d) => d.id).sort());
}

/**
 * Submits the action form inside details#`id` (opening it first), after `fill(form)`;
 * insists that it was saved (no #action-error). Returns the report's path it came from.
 */
export async function staffAct(page, id, fill) {
  const details = page.locator(`details#${id}`);
  assert.equal(await details.count(), 1, `the page offers details#${id}; it offers ${(await staffActions(page)).join(', ')}`);
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  const form = details.locator('form');
  assert.equal(await form.locator('input[type=hidden][name=aksi]').inputValue(), id, `details#${id} holds the ${id} form`);
  if (fill) await fill(form);
  const from = new URL(page.url()).pathname;
  await clickAndWait(page, form.locator('[type=submit]'));
  const error = page.locator('#action-error');
  if (await error.count()) assert.fail(`${id} was refused: ${(await error.innerText()).replace(/\s+/g, ' ')}`);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('berhasil'), id, `after ${id}, ${url.pathname}${url.search} says berhasil=${id}`);
  if (url.pathname.startsWith('/staf/laporan/')) {
    assert.ok((await page.locator('#done').innerText()).trim(), '#done confirms the action');
  }
  return from;
}
