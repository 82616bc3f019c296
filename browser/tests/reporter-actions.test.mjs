// The reporter's side of a report's life, in the pages, while the staff act through the
// JSON API: answering a request for information, replying to an answer, accepting and
// rating 5 stars; and on another report rating 2 stars and appealing, once.
import { test } from 'node:test';
import { setup, assert, newContext, visit, clickAndWait, bodyText, securityTests, DEMO } from '../lib/harness.mjs';

const env = setup();

async function openAsReporter(page, report) {
  const link = new URL(report.privateLink, env.base);
  await visit(page, env, link.pathname + link.search);
}

/** Submits a reporter form by its one submit button, back on the report's page. */
async function submit(page, form) {
  const buttons = page.locator(`form#${form} [type=submit], form#${form} button:not([type])`);
  assert.equal(await buttons.count(), 1, `form#${form} has one submit button`);
  await clickAndWait(page, buttons);
  assert.equal(await page.locator('.error-summary').count(), 0, `form#${form} was refused: ${await bodyText(page)}`);
}

async function forms(page) {
  return page.locator('form[id^=action-]').evaluateAll((fs) => fs.map((f) => f.id).sort());
}

test('the reporter answers a request for information', async () => {
  const report = await env.api.file();
  await env.api.act(report.tracking, DEMO.screener, { action: 'request_info', question: 'Di RT berapa tepatnya lubang itu?' });
  const context = await newContext(env);
  const page = await context.newPage();
  await openAsReporter(page, report);
  assert.ok((await bodyText(page)).includes('Di RT berapa tepatnya lubang itu?'), 'the question is shown');
  assert.deepEqual(await forms(page), ['action-reply']);
  await page.locator('form#action-reply textarea[name=message]').fill('Di RT 05, tepat di depan toko bangunan.');
  await submit(page, 'action-reply');
  const after = await env.api.report(report.tracking, report);
  assert.equal(after.status.code, 'submitted', 'back in the screening queue');
  assert.ok(after.timeline.some((e) => JSON.stringify(e.details).includes('Di RT 05')), 'the answer is in the timeline');
  assert.ok((await page.locator('#timeline').innerText()).includes('Di RT 05'), '#timeline shows the answer');
  await context.close();
});

test('reply to an answer, then accept the next one and rate it 5 stars with a comment', async () => {
  const report = await env.api.file();
  await env.api.forward(report.tracking);
  await env.api.answer(report.tracking, 'Tim sudah menambal sebagian lubang pada hari Senin.');

  const context = await newContext(env);
  const page = await context.newPage();
  await openAsReporter(page, report);
  assert.ok((await page.locator('#timeline').innerText()).includes('menambal sebagian'), 'the answer is in #timeline');
  assert.deepEqual(await forms(page), ['action-accept', 'action-reply']);
  assert.ok((await page.locator('#next-step').innerText()).trim(), '#next-step explains the choice');

  await page.locator('form#action-reply textarea[name=message]').fill('Masih ada dua lubang besar di sisi utara.');
  await submit(page, 'action-reply');
  let now = await env.api.report(report.tracking, report);
  assert.equal(now.status.code, 'in_progress', 'the reply reopens the report');
  assert.ok((await page.locator('#timeline').innerText()).includes('dua lubang besar'), 'the reply is in #timeline');
  // While the instansi works the reporter may add more (reply), but not accept or rate.
  assert.deepEqual((await forms(page)).filter((f) => f !== 'action-reply'), [], 'no accept or rating while the instansi works');

  await env.api.answer(report.tracking, 'Semua lubang sudah ditambal dan diaspal ulang.');
  await page.reload();
  assert.deepEqual(await forms(page), ['action-accept', 'action-reply']);
  await submit(page, 'action-accept');
  now = await env.api.report(report.tracking, report);
  assert.equal(now.status.code, 'closed', 'accepted: closed');

  assert.deepEqual(await forms(page), ['action-rate']);
  for (let stars = 1; stars <= 5; stars++) {
    assert.equal(await page.locator(`form#action-rate input[type=radio][name=stars]#stars-${stars}`).count(), 1, `#stars-${stars}`);
    assert.equal(await page.locator(`label[for=stars-${stars}]`).count(), 1, `a label for #stars-${stars}`);
  }
  await page.locator('#stars-5').check();
  await page.locator('form#action-rate textarea[name=comment]').fill('Cepat dan tuntas, terima kasih.');
  await submit(page, 'action-rate');
  now = await env.api.report(report.tracking, report);
  assert.equal(now.rating?.stars, 5);
  assert.equal(now.rating?.comment, 'Cepat dan tuntas, terima kasih.');
  assert.deepEqual(await forms(page), [], 'rated 5: no appeal offered');
  await context.close();
});

test('rate 2 stars and appeal, once', async () => {
  const report = await env.api.file();
  await env.api.forward(report.tracking);
  await env.api.answer(report.tracking, 'Laporan sudah kami catat.');
  await env.api.act(report.tracking, report, { action: 'accept' });

  const context = await newContext(env);
  const page = await context.newPage();
  await openAsReporter(page, report);
  assert.deepEqual(await forms(page), ['action-rate']);
  await page.locator('#stars-2').check();
  await page.locator('form#action-rate textarea[name=comment]').fill('Tidak ada perbaikan nyata.');
  await submit(page, 'action-rate');
  assert.equal((await env.api.report(report.tracking, report)).rating?.stars, 2);

  assert.deepEqual(await forms(page), ['action-appeal'], 'a rating of 2 offers an appeal');
  await page.locator('form#action-appeal textarea[name=message]').fill('Jalan masih rusak; mohon ditinjau ulang.');
  await submit(page, 'action-appeal');
  const now = await env.api.report(report.tracking, report);
  assert.equal(now.appealed, true);
  assert.equal(now.status.code, 'in_progress', 'the appeal reopens the report');

  // Answered and accepted again, rated 1: no second appeal.
  await env.api.answer(report.tracking, 'Sudah ditinjau ulang dan diperbaiki.');
  await env.api.act(report.tracking, report, { action: 'accept' });
  await page.reload();
  if (await page.locator('form#action-rate').count()) {
    await page.locator('#stars-1').check();
    await submit(page, 'action-rate');
  }
  assert.equal(await page.locator('form#action-appeal').count(), 0, 'only one appeal');
  await context.close();
});

securityTests();
