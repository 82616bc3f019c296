// A guest files a report with a photo in a browser with JavaScript switched off: the
// region cascade works by reloading the form, mistakes come back with an error summary
// and keep what was typed and uploaded, the check page lets them send, and the private
// link on the confirmation opens the report.
import { test } from 'node:test';
import {
  setup, assert, newContext, visit, clickAndWait, fillReport, sendReport, makeJpeg, bodyText, securityTests,
  PLACE, CATEGORY, TRACKING_RE, trackingOf, showsTracking,
} from '../lib/harness.mjs';

const env = setup();
const title = 'Jalan berlubang di depan Pasar Senyiur';
const description =
  'Sejak dua minggu jalan poros di depan pasar berlubang besar dan tergenang air; dua pengendara motor sudah jatuh.';
const guest = { name: 'Rudi Hartono', email: 'rudi.tamu@example.com', phone: '081234567890' };

test('the filing form has every field of the contract, each with id = name', async () => {
  const context = await newContext(env, { javaScriptEnabled: false });
  const page = await context.newPage();
  await visit(page, env, '/lapor');
  const expected = {
    title: 'input', description: 'textarea', incident_date: 'input', province: 'select', regency: 'select',
    district: 'select', village: 'select', address: 'input', lat: 'input', long: 'input', category: 'select',
    target_instansi: 'select', attachments: 'input', anonymous: 'input', confidential: 'input', name: 'input',
    email: 'input', phone: 'input',
  };
  const wrong = [];
  for (const [name, tag] of Object.entries(expected)) {
    const found = await page.locator(`form#report-form #${name}`).evaluateAll((els) =>
      els.map((e) => `${e.tagName.toLowerCase()}[name=${e.getAttribute('name')}][type=${e.getAttribute('type')}]`),
    );
    if (found.length !== 1 || !found[0].startsWith(`${tag}[name=${name}]`)) {
      wrong.push(`#${name}: expected <${tag} name=${name}>, found ${found.join(', ') || 'nothing'}`);
    }
  }
  for (const kind of ['pengaduan', 'aspirasi', 'permintaan_informasi']) {
    if ((await page.locator(`input[type=radio][name=kind][value=${kind}]#kind-${kind}`).count()) !== 1) wrong.push(`#kind-${kind}`);
  }
  const types = { incident_date: 'date', attachments: 'file', anonymous: 'checkbox', confidential: 'checkbox', lat: 'hidden', long: 'hidden' };
  for (const [id, type] of Object.entries(types)) {
    const actual = await page.locator(`form#report-form [name=${id}]`).first().getAttribute('type').catch(() => null);
    if (actual !== type) wrong.push(`[name=${id}] has type=${actual}, not ${type}`);
  }
  for (const [step, label] of [['region', /Pilih wilayah/], ['check', /^Lanjut\b/]]) {
    const button = page.locator(`form#report-form button[name=step][value=${step}]`);
    if ((await button.count()) !== 1 || !label.test((await button.innerText()).trim())) wrong.push(`button[name=step][value=${step}] ${label}`);
  }
  assert.deepEqual(wrong, [], `/lapor departs from the contract:\n${wrong.join('\n')}`);
  await context.close();
});

test('guest without JavaScript: errors keep typed values and the upload', async () => {
  const context = await newContext(env, { javaScriptEnabled: false });
  const page = await context.newPage();
  const jpeg = await makeJpeg(env);
  await visit(page, env, '/lapor');
  const form = page.locator('form#report-form');
  assert.equal(await form.getAttribute('method'), 'post');
  assert.equal(await form.getAttribute('enctype'), 'multipart/form-data');
  assert.equal(new URL(await form.getAttribute('action'), env.base).pathname, '/lapor');
  assert.equal(await page.locator('input[name=csrf][type=hidden]').count(), 1, 'hidden csrf input');
  assert.equal(await page.locator('input[name=form_id][type=hidden]').count(), 1, 'hidden form_id input');
  const files = page.locator('input[type=file][name=attachments]');
  assert.equal(await files.count(), 1, 'one file input named attachments');
  assert.notEqual(await files.getAttribute('multiple'), null, 'the file input accepts several files');

  // No title: the form comes back with the error, the description and the photo kept.
  await page.locator('#description').fill(description);
  await files.setInputFiles(jpeg);
  await clickAndWait(page, page.locator('button[name=step][value=check]'));
  const summary = page.locator('.error-summary');
  assert.ok(await summary.isVisible(), '.error-summary shown at the top');
  const titleLink = summary.locator('a[href="#title"]');
  assert.equal(await titleLink.count(), 1, '.error-summary links to #title');
  assert.ok(await page.locator('#title-error').isVisible(), '#title-error next to the field');
  assert.equal(await page.locator('#description').inputValue(), description, 'description kept');
  assert.ok((await page.locator('.kept-attachment').count()) >= 1, 'the uploaded photo is listed as .kept-attachment');
  await context.close();
});

test('guest without JavaScript files a report with a JPEG and follows it by its private link', async () => {
  const context = await newContext(env, { javaScriptEnabled: false });
  const page = await context.newPage();
  const jpeg = await makeJpeg(env);
  await visit(page, env, '/lapor');
  await fillReport(page, { js: false, title, description, guest, attachment: jpeg });
  await clickAndWait(page, page.locator('button[name=step][value=check]'));

  // Check your answers.
  assert.equal((await page.locator('h1').innerText()).trim(), 'Periksa laporan Anda');
  const check = await bodyText(page);
  assert.ok(check.includes(title), 'check page shows the title');
  assert.ok(check.includes(PLACE.village.name), 'check page shows the village');
  assert.ok(check.includes(CATEGORY.name), 'check page shows the category');
  assert.ok(
    check.includes('jalan-rusak.jpg') || (await page.locator('.kept-attachment').count()) === 1,
    'check page lists the photo',
  );
  assert.match((await page.locator('button[name=step][value=send]').innerText()).trim(), /Kirim laporan/);
  assert.match((await page.locator('button[name=step][value=edit]').innerText()).trim(), /Ubah/);

  const { tracking, secret, privateLink } = await sendReport(page);
  assert.match(tracking, TRACKING_RE);
  const link = new URL(privateLink, env.base);
  assert.match(link.pathname, /^\/lapor\/[^/]+$/, 'a#private-link points at /lapor/{TRACKING}');
  assert.equal(trackingOf(link.pathname), tracking, 'a#private-link points at this report');
  assert.equal(link.searchParams.get('kunci'), secret, 'a#private-link carries the secret');
  const shown = await page.locator('a#private-link').innerText();
  assert.ok(shown.includes('/lapor/') && shown.includes(`kunci=${secret}`) && showsTracking(shown, tracking), `a#private-link shows the full link: ${shown}`);

  // What was filed is what was typed.
  const filed = await env.api.report(tracking, { secret });
  assert.equal(filed.title, title);
  assert.equal(filed.description, description);
  assert.equal(filed.kind, 'pengaduan');
  assert.equal(filed.incident_date, '2026-11-20');
  assert.equal(filed.location.region, PLACE.village.code);
  assert.equal(filed.category?.code, CATEGORY.code);
  assert.equal(filed.attachments.length, 1, 'one attachment');
  assert.equal(filed.reporter.email, guest.email);

  // A fresh browser (no cookies) follows the private link.
  const other = await newContext(env, { javaScriptEnabled: false });
  const follow = await other.newPage();
  await visit(follow, env, link.pathname + link.search);
  assert.ok((await follow.locator('#status').innerText()).trim().length > 0, '#status says where it stands');
  assert.ok((await follow.locator('#next-step').innerText()).trim().length > 0, '#next-step says what happens next');
  assert.ok((await follow.locator('#timeline li').count()) >= 1, '#timeline lists the filing');
  assert.ok((await bodyText(follow)).includes(title));
  // No reporter actions before anyone answered.
  for (const form of ['action-accept', 'action-rate', 'action-appeal']) {
    assert.equal(await follow.locator(`form#${form}`).count(), 0, `form#${form} is not offered yet`);
  }
  // A wrong secret opens nothing.
  await follow.goto(`${env.base}${link.pathname}?kunci=${'0'.repeat(secret.length)}`);
  assert.ok(!(await bodyText(follow)).includes(description), 'a wrong secret does not show the report');
  await other.close();
  await context.close();
});

securityTests();
