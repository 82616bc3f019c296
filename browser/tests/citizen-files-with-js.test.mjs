// A citizen registers, files a report with JavaScript on (the region selects fill by
// themselves, the category search box narrows the list) and finds it under "my reports";
// the demo citizen signs in and out.
import { test } from 'node:test';
import {
  setup, assert, newContext, visit, clickAndWait, fillReport, sendReport, bodyText, signIn, securityTests, unique,
  DEMO, CATEGORY, PLACE, trackingOf,
} from '../lib/harness.mjs';

const env = setup();

test('a new citizen registers, files with JavaScript on and sees the report in my reports', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  const email = `${unique('warga')}@example.com`;
  const password = 'sandi-rahasia-2026';

  await visit(page, env, '/daftar');
  await page.locator('input[name=name]').fill('Nur Aini');
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=phone]').fill('081298765432');
  await page.locator('input[name=password]').fill(password);
  await page.locator('input[name=password2]').fill(password);
  await clickAndWait(page, page.locator('form:has(input[name=password2]) [type=submit]').first());
  assert.ok(!new URL(page.url()).pathname.startsWith('/daftar'), `still on ${page.url()} after registering`);
  if ((await page.locator('form#logout').count()) === 0) await signIn(page, env, email, password);
  assert.equal(await page.locator('form#logout').count(), 1, 'signed in after registering');

  await visit(page, env, '/lapor');
  // Signed in: the contact fields are the account's, not asked again.
  for (const field of ['name', 'email', 'phone']) {
    assert.equal(await page.locator(`#report-form [name=${field}]:visible`).count(), 0, `#${field} is only for guests`);
  }

  // The category search box narrows the list.
  const search = page.locator('#category-search');
  assert.ok(await search.isVisible(), '#category-search shown with JavaScript');
  const visibleCategories = () =>
    page.locator('#category option').evaluateAll((os) =>
      os.filter((o) => !o.hidden && o.style.display !== 'none' && o.value).map((o) => o.textContent.trim()),
    );
  const all = await visibleCategories();
  await search.fill(CATEGORY.search);
  const narrowed = await visibleCategories();
  assert.ok(narrowed.length < all.length, `searching "${CATEGORY.search}" narrows ${all.length} categories (left ${narrowed.length})`);
  assert.ok(narrowed.some((c) => c.includes(CATEGORY.name)), `"${CATEGORY.name}" stays`);
  assert.ok(!narrowed.some((c) => /^Kesehatan$/.test(c)), `"Kesehatan" is filtered out: ${narrowed.join(', ')}`);
  await search.fill('');

  const title = `Lampu jalan padam ${unique('')}`;
  await fillReport(page, {
    js: true,
    title,
    description: 'Lampu penerangan jalan di depan sekolah padam sejak sebulan; jalan gelap sekali pada malam hari.',
  });
  // With JavaScript there is no need for the region button's reload.
  assert.equal(new URL(page.url()).pathname, '/lapor', 'the region cascade did not leave the form');
  await clickAndWait(page, page.locator('button[name=step][value=check]'));
  assert.equal((await page.locator('h1').innerText()).trim(), 'Periksa laporan Anda');

  // "Ubah" goes back to the form with everything kept; then on to send.
  await clickAndWait(page, page.locator('button[name=step][value=edit]'));
  assert.equal(await page.locator('#title').inputValue(), title, 'title kept after Ubah');
  assert.equal(await page.locator('#village').inputValue(), PLACE.village.code, 'village kept after Ubah');
  await clickAndWait(page, page.locator('button[name=step][value=check]'));
  const { tracking } = await sendReport(page);

  const filed = await env.api.report(tracking, DEMO.screener);
  assert.equal(filed.title, title);
  assert.equal(filed.location.region, PLACE.village.code);
  assert.equal(filed.reporter.email, email, 'filed under the account');

  await visit(page, env, '/laporan-saya');
  const mine = (await page.locator('a.report-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).map(trackingOf);
  assert.equal(mine.filter((t) => t === tracking).length, 1, `my reports lists ${tracking} once: ${mine.join(', ')}`);

  // The reporter's own view, signed in, needs no secret.
  await visit(page, env, `/lapor/${tracking}`);
  assert.ok((await page.locator('#status').innerText()).trim(), '#status on the signed-in reporter view');
  assert.ok((await page.locator('#timeline li').count()) >= 1);
  await context.close();
});

test('the demo citizen signs in, sees their reports, and signs out', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  await signIn(page, env, DEMO.citizen);
  await visit(page, env, '/laporan-saya');
  assert.ok((await page.locator('a.report-link').count()) >= 1, 'the demo citizen has reports');
  await clickAndWait(page, page.locator('form#logout [type=submit], form#logout button').first());
  assert.equal(await page.locator('form#logout').count(), 0, 'signed out');
  const response = await page.goto(`${env.base}/laporan-saya`);
  assert.ok(
    new URL(page.url()).pathname.startsWith('/masuk') || response.status() === 401 || response.status() === 403,
    `my reports after signing out: ${response.status()} at ${page.url()}`,
  );
  assert.ok(!(await bodyText(page)).includes('Siti Rahma'), 'no trace of the signed-out citizen');
  await context.close();
});

securityTests();
