// axe-core on every page of the portal, as a visitor sees it (the page's own CSP in
// force): any violation of impact serious or critical fails; all are printed.
import { test } from 'node:test';
import {
  setup, assert, newContext, visit, clickAndWait, fillReport, sendReport, signIn, securityTests, DEMO,
} from '../lib/harness.mjs';
import { expectAccessible } from '../lib/axe.mjs';

const guest = { name: 'Agus Tamu', email: 'agus.tamu@example.com', phone: '081200001111' };
let answered;

const env = setup(async (env) => {
  // A report with an answer, so the reporter's page shows its reply and accept forms.
  answered = await env.api.file();
  await env.api.forward(answered.tracking);
  await env.api.answer(answered.tracking, 'Perbaikan dijadwalkan minggu depan.');
});

/** A scan of one page, its own subtest so that each page passes or fails by itself. */
function page(t, label, open) {
  return t.test(label, async (t) => {
    const context = await newContext(env);
    const p = await context.newPage();
    try {
      await open(p);
      await expectAccessible(t, p, label);
    } finally {
      await context.close();
    }
  });
}

async function english(p) {
  await clickAndWait(p, p.locator('a#lang-switch'));
  assert.equal(await p.locator('html').getAttribute('lang'), 'en');
}

test('public pages', async (t) => {
  await page(t, 'home (id)', (p) => visit(p, env, '/'));
  await page(t, 'home (en)', async (p) => {
    await visit(p, env, '/');
    await english(p);
  });
  await page(t, 'lacak', (p) => visit(p, env, '/lacak'));
  await page(t, 'public list', (p) => visit(p, env, '/laporan'));
  await page(t, 'public list (en)', async (p) => {
    await visit(p, env, '/laporan');
    await english(p);
  });
  await page(t, 'public detail', (p) => visit(p, env, `/laporan/${answered.tracking}`));
  await page(t, 'map', async (p) => {
    await visit(p, env, '/peta');
    await p.locator('.leaflet-container').waitFor();
  });
  await page(t, 'statistics', (p) => visit(p, env, '/statistik'));
  await page(t, 'statistics (en)', async (p) => {
    await visit(p, env, '/statistik');
    await english(p);
  });
  await page(t, 'statistics of an instansi', (p) => visit(p, env, '/statistik/instansi/KAB-64.08'));
  await page(t, 'rankings', (p) => visit(p, env, '/statistik/peringkat'));
  await page(t, 'definitions of the measures', (p) => visit(p, env, '/statistik/definisi'));
  await page(t, 'open data', (p) => visit(p, env, '/data'));
  await page(t, 'login', (p) => visit(p, env, '/masuk'));
  await page(t, 'register', (p) => visit(p, env, '/daftar'));
  await page(t, 'forgot password', (p) => visit(p, env, '/lupa-sandi'));
  await page(t, 'forgot password, sent', async (p) => {
    await visit(p, env, '/lupa-sandi');
    await p.locator('input#email').fill('tidak.ada@example.com');
    await clickAndWait(p, p.locator('form#forgot [type=submit]'));
    await p.locator('#sent').waitFor();
  });
  await page(t, 'choose a new password (form)', (p) => visit(p, env, '/atur-sandi/tautan-uji'));
  await page(t, 'confirm the e-mail address (button)', (p) => visit(p, env, '/akun/verifikasi/tautan-uji'));
  await page(t, 'unsubscribe, a bad link (404)', async (p) => {
    const response = await p.goto(new URL('/berhenti/received.00.00', env.base).href, { waitUntil: 'load' });
    assert.equal(response.status(), 404);
  });
});

test('filing a report', async (t) => {
  await page(t, 'report form', (p) => visit(p, env, '/lapor'));
  await page(t, 'report form (en)', async (p) => {
    await visit(p, env, '/lapor');
    await english(p);
  });
  await page(t, 'report form with errors', async (p) => {
    await visit(p, env, '/lapor');
    await clickAndWait(p, p.locator('button[name=step][value=check]'));
    await p.locator('.error-summary').waitFor();
  });
  await page(t, 'check page', async (p) => {
    await visit(p, env, '/lapor');
    await fillReport(p, { js: true, title: 'Saluran air tersumbat', description: 'Saluran air di gang depan masjid tersumbat sampah sejak sepekan.', guest });
    await clickAndWait(p, p.locator('button[name=step][value=check]'));
  });
  await page(t, 'confirmation', async (p) => {
    await visit(p, env, '/lapor');
    await fillReport(p, { js: true, title: 'Saluran air tersumbat lagi', description: 'Saluran air di gang depan masjid tersumbat sampah sejak sepekan.', guest });
    await clickAndWait(p, p.locator('button[name=step][value=check]'));
    await sendReport(p);
  });
});

test("reporter's pages", async (t) => {
  await page(t, 'follow page with reply and accept forms', (p) => {
    const link = new URL(answered.privateLink, env.base);
    return visit(p, env, link.pathname + link.search);
  });
  await page(t, 'follow page with the rating form', async (p) => {
    const closed = await env.api.file();
    await env.api.forward(closed.tracking);
    await env.api.answer(closed.tracking, 'Sudah selesai diperbaiki.');
    await env.api.act(closed.tracking, closed, { action: 'accept' });
    const link = new URL(closed.privateLink, env.base);
    await visit(p, env, link.pathname + link.search);
  });
  await page(t, 'my reports', async (p) => {
    await signIn(p, env, DEMO.citizen);
    await visit(p, env, '/laporan-saya');
  });
  await page(t, 'notification settings', async (p) => {
    await signIn(p, env, DEMO.citizen);
    await visit(p, env, '/akun/notifikasi');
    assert.ok(await p.locator('input[type=checkbox][name=jenis]').count() > 0, 'the notices are offered');
  });
  await page(t, 'notification settings, saved', async (p) => {
    await signIn(p, env, DEMO.citizen);
    await visit(p, env, '/akun/notifikasi');
    await clickAndWait(p, p.locator('form#notices [type=submit]'));
    await p.locator('#saved').waitFor();
  });
  await page(t, 'public detail, signed in (support form)', async (p) => {
    await signIn(p, env, DEMO.citizen);
    await visit(p, env, `/laporan/${answered.tracking}`);
  });
});

securityTests();
