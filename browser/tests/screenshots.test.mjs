// Screenshots of the main pages at a phone's width and a desktop's, into
// docs/screenshots/<page>-mobile.png and <page>-desktop.png.
import { test } from 'node:test';
import { existsSync, statSync } from 'node:fs';
import {
  setup, assert, newContext, visit, clickAndWait, fillReport, sendReport, screenshot, securityTests, makeJpeg,
  PHONE, DESKTOP,
} from '../lib/harness.mjs';

const guest = { name: 'Rudi Hartono', email: 'rudi.tamu@example.com', phone: '081234567890' };
let answered;

const env = setup(async (env) => {
  answered = await env.api.file({ title: 'Jalan berlubang di depan Pasar Senyiur' });
  await env.api.forward(answered.tracking);
  await env.api.answer(answered.tracking, 'Tim Dinas PUPR sudah menambal lubang pada hari Senin.', 'progress');
  // A server of its own: the pages show the demo data, not what other tests filed.
}, { ownServer: true });

for (const [suffix, viewport] of [['mobile', PHONE], ['desktop', DESKTOP]]) {
  test(`screenshots at ${viewport.width}×${viewport.height} (${suffix})`, async (t) => {
    const context = await newContext(env, {
      viewport,
      isMobile: suffix === 'mobile',
      hasTouch: suffix === 'mobile',
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    const shot = async (name, open) =>
      t.test(name, async () => {
        await open();
        const path = await screenshot(page, `${name}-${suffix}`);
        assert.ok(existsSync(path) && statSync(path).size > 1000, path);
      });

    await shot('home', () => visit(page, env, '/'));
    await shot('form', () => visit(page, env, '/lapor'));
    await shot('form-errors', async () => {
      await visit(page, env, '/lapor');
      await clickAndWait(page, page.locator('button[name=step][value=check]'));
      await page.locator('.error-summary').waitFor();
    });
    await shot('check', async () => {
      await visit(page, env, '/lapor');
      await fillReport(page, {
        js: true,
        title: 'Jalan berlubang di depan Pasar Senyiur',
        description: 'Sejak dua minggu jalan poros di depan pasar berlubang besar dan tergenang air; dua pengendara motor sudah jatuh.',
        guest,
        attachment: await makeJpeg(env),
      });
      await clickAndWait(page, page.locator('button[name=step][value=check]'));
      assert.equal(await page.locator('button[name=step][value=send]').count(), 1);
    });
    await shot('confirmation', () => sendReport(page));
    await shot('follow', async () => {
      const link = new URL(answered.privateLink, env.base);
      await visit(page, env, link.pathname + link.search);
    });
    await shot('list', () => visit(page, env, '/laporan'));
    await shot('detail', () => visit(page, env, `/laporan/${answered.tracking}`));
    await shot('map', async () => {
      await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === '/peta/titik.json'),
        visit(page, env, '/peta'),
      ]);
      await page.locator('.leaflet-container').waitFor();
      await page.waitForTimeout(300);
    });
    await shot('login', () => visit(page, env, '/masuk'));
    await context.close();
  });
}

securityTests();
