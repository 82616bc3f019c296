// The public side: the home page, the list with its filters, full-text search and
// pagination, the detail page and its public timeline, tracking by number, the map, and
// supporting a report once.
import { test } from 'node:test';
import {
  setup, assert, newContext, visit, clickAndWait, bodyText, signIn, securityTests, unique, DEMO, trackingOf, showsTracking,
} from '../lib/harness.mjs';

const word = unique('zebrakuda');
let report;

const env = setup(async (env) => {
  // A verified report with a word no other report has, and a reporter who must not show.
  report = await env.api.file({
    title: `Trotoar ambles dekat ${word}`,
    description: `Trotoar di dekat toko ${word} ambles sedalam tiga puluh sentimeter dan membahayakan pejalan kaki.`,
    reporter: { name: 'Larasati Privat', email: 'larasati.privat@example.com', phone: '081311112222' },
  });
  await env.api.forward(report.tracking);
});

test('home: the big link to file a report, live counts and recent public reports', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  await visit(page, env, '/');
  const file = page.locator('a#file-report');
  assert.equal((await file.innerText()).trim(), 'Buat laporan');
  assert.equal(new URL(await file.getAttribute('href'), env.base).pathname, '/lapor');
  assert.ok((await page.locator('a.report-link, a[href^="/laporan/"]').count()) >= 1, 'recent public reports link to their pages');
  assert.match(await bodyText(page), /\d/, 'counts are shown');
  await clickAndWait(page, file);
  assert.equal(new URL(page.url()).pathname, '/lapor');
  await context.close();
});

test('public list: rows, filters, full-text search and the next page', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  await visit(page, env, '/laporan');
  const rows = page.locator('a.report-link');
  const firstPage = await rows.count();
  assert.ok(firstPage >= 1, 'the list has rows');
  for (const name of ['q', 'status', 'category', 'province', 'instansi', 'from', 'to']) {
    assert.equal(await page.locator(`form#filters [name=${name}]`).count(), 1, `form#filters has ${name}`);
  }
  assert.equal((await page.locator('form#filters').getAttribute('method'))?.toLowerCase() ?? 'get', 'get');

  // Pagination when there are more public reports than one page shows.
  const publicTotal = (await env.api.call('GET', '/api/v1/reports?limit=200')).items.length;
  if (publicTotal > firstPage) {
    const next = page.locator('a#next-page');
    assert.equal(await next.count(), 1, `a#next-page (${publicTotal} public reports, ${firstPage} shown)`);
    const firstHrefs = await rows.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    await clickAndWait(page, next);
    const secondHrefs = await rows.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(secondHrefs.length >= 1, 'the next page has rows');
    assert.ok(!secondHrefs.some((h) => firstHrefs.includes(h)), 'the next page shows other reports');
  }

  // Full-text search finds the one report with the word.
  await visit(page, env, '/laporan');
  await page.locator('form#filters [name=q]').fill(word);
  await clickAndWait(page, page.locator('form#filters [type=submit], form#filters button:not([type])').first());
  assert.equal(new URL(page.url()).searchParams.get('q'), word, 'the search is a GET with q');
  const found = await rows.evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
  assert.equal(found.length, 1, `one result for "${word}": ${found.join(', ')}`);
  assert.match(found[0], /^\/laporan\/[^/]+$/);
  assert.equal(trackingOf(found[0]), report.tracking);

  // A filter by status narrows the list to that status.
  await visit(page, env, '/laporan');
  const statuses = await page
    .locator('form#filters [name=status] option')
    .evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(statuses.length >= 2, 'statuses to filter by');
  const status = statuses.includes('closed') ? 'closed' : statuses[0];
  await page.locator('form#filters [name=status]').selectOption(status);
  await clickAndWait(page, page.locator('form#filters [type=submit], form#filters button:not([type])').first());
  assert.equal(new URL(page.url()).searchParams.get('status'), status);
  const closed = (await rows.evaluateAll((as) => as.map((a) => a.href))).map(trackingOf);
  for (const tracking of closed.slice(0, 5)) {
    const r = await env.api.report(tracking);
    assert.equal(r.status.code, status, `${tracking} listed under ${status}`);
  }
  await context.close();
});

test('/lacak finds a report by its number', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  await visit(page, env, '/lacak');
  await page.locator('input[name=nomor]').fill(report.tracking);
  await clickAndWait(page, page.locator('form:has(input[name=nomor]) [type=submit], form:has(input[name=nomor]) button').first());
  assert.match(new URL(page.url()).pathname, /^\/laporan\/[^/]+$/, '/lacak leads to the public page');
  assert.equal(trackingOf(page.url()), report.tracking, '/lacak leads to that report');
  assert.ok((await bodyText(page)).includes(`Trotoar ambles dekat ${word}`));
  await context.close();
});

test('detail page: public timeline, no reporter details, 404 for an unknown number', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  await visit(page, env, `/laporan/${report.tracking}`);
  const text = await bodyText(page);
  assert.ok(text.includes(`Trotoar ambles dekat ${word}`), 'title shown');
  assert.ok(showsTracking(text, report.tracking), 'tracking number shown');
  for (const secret of ['Larasati Privat', 'larasati.privat@example.com', '081311112222']) {
    assert.ok(!text.includes(secret), `the public page does not show "${secret}"`);
  }
  assert.ok(!(await page.content()).includes(report.secret), 'the private link secret is not in the page');
  assert.ok((await page.locator('#timeline li').count()) >= 2, 'the public timeline has the filing and the forwarding');

  // A guest is offered a way to sign in, not the support button.
  assert.equal(await page.locator('form#support').count(), 0, 'no form#support for a guest');
  assert.ok((await page.locator('main a[href^="/masuk"]').count()) >= 1, 'a link to sign in to support');

  // A number that is no report's is an error page (404, or 422 when it cannot be one).
  const missing = await page.goto(`${env.base}/laporan/XXXXXXXXX`);
  assert.ok([404, 422].includes(missing.status()), `/laporan/XXXXXXXXX answers ${missing.status()}`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'id', 'an HTML error page');
  await context.close();
});

test('a signed-in citizen supports a report once', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  await signIn(page, env, DEMO.citizen);
  await visit(page, env, `/laporan/${report.tracking}`);
  const support = page.locator('form#support');
  assert.equal(await support.count(), 1, 'form#support for a signed-in citizen');
  assert.match(await support.innerText(), /Dukung/);
  const before = (await env.api.report(report.tracking)).support_count;
  await clickAndWait(page, support.locator('button, [type=submit]').first());
  assert.equal((await env.api.report(report.tracking)).support_count, before + 1, 'supported');

  // A second attempt (the form again, or the browser's back and resubmit) does not count.
  await visit(page, env, `/laporan/${report.tracking}`);
  if (await support.count()) await clickAndWait(page, support.locator('button, [type=submit]').first());
  await page.goBack().catch(() => {});
  if (await page.locator('form#support').count()) {
    await clickAndWait(page, page.locator('form#support button, form#support [type=submit]').first());
  }
  assert.equal((await env.api.report(report.tracking)).support_count, before + 1, 'counted once');
  assert.ok((await bodyText(page)).includes(String(before + 1)), 'the page shows the count');
  await context.close();
});

test('map: Leaflet loads its points from /peta/titik.json', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/peta/titik.json'),
    visit(page, env, '/peta'),
  ]);
  assert.equal(response.status(), 200);
  const json = await response.json();
  assert.ok(json && typeof json === 'object', '/peta/titik.json is JSON');
  assert.ok(Array.isArray(json) && json.length >= 1, 'the demo data has public reports with a location');
  await page.locator('.leaflet-container').waitFor();
  // Points are drawn on one canvas (no DOM node per point); the list below is the text
  // alternative and links every report.
  await page.locator('.leaflet-overlay-pane canvas').waitFor();
  const links = await page.locator('ul.reports a.report-link').count();
  assert.equal(links, json.length, 'every point is also in the list below the map');
  await context.close();
});

securityTests();
