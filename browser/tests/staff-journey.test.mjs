// The staff workspace in the pages, each person in a browser context of their own: a
// report's whole journey across five people (citizen → national screener → Diskominfo
// coordinator → Dinas PUPR officer → citizen), a return as "not our authority" and the
// re-routing, a request for information answered through the private link, and the
// supervisor who reads without acting. Every staff step goes through the pages; the API
// only files the reports of the later tests and checks what the pages did.
import { test } from 'node:test';
import {
  setup, assert, newContext, visit, clickAndWait, bodyText, fillReport, sendReport, securityTests, unique, choose,
  signInStaff, openFromQueue, staffStatus, staffAct, staffActions, queueRows, showsTracking,
  DEMO, STAFF, KUTIM, PUPR_UNIT,
} from '../lib/harness.mjs';

const env = setup();

/** A browser context of one's own, signed in as staff (or not, for a citizen). */
async function person(email, landing) {
  const context = await newContext(env);
  const page = await context.newPage();
  if (email) await signInStaff(page, env, email, landing);
  return { context, page };
}

async function openAsReporter(page, privateLink) {
  const link = new URL(privateLink, env.base);
  await visit(page, env, link.pathname + link.search);
}

/** A guest's report filed through the API, with a word of its own in the title. */
async function fileWithWord(title) {
  const word = unique('uji');
  const report = await env.api.file({ title: `${title} ${word}` });
  return { ...report, word };
}

test('staff who sign in at the bare /masuk land in their role\'s place, not in "my reports"', async (t) => {
  for (const [email, landing] of [[STAFF.screener, '/staf/antrian'], [STAFF.admin, '/staf/admin']]) {
    await t.test(email, async () => {
      const context = await newContext(env);
      const page = await context.newPage();
      try {
        await signInStaff(page, env, email, landing, { from: '/masuk' });
      } finally {
        await context.close();
      }
    });
  }
});

test('a report travels from the citizen through the screener, the coordinator and the officer, and back', async (t) => {
  const word = unique('jalan');
  const title = `Jalan poros rusak parah ${word}`;
  const answer = 'Lubang di jalan poros sudah ditambal dan diaspal ulang oleh tim Dinas PUPR pada hari Senin.';
  const citizen = await person(null);
  const screener = await person(STAFF.screener);
  const coordinator = await person(STAFF.coordinator);
  const officer = await person(STAFF.officer);
  let report;

  try {
    await t.test('the citizen files a report about a damaged road in Kutai Timur', async () => {
      const p = citizen.page;
      await visit(p, env, '/lapor');
      await fillReport(p, {
        js: true,
        title,
        description: 'Jalan poros di depan Pasar Senyiur berlubang besar sejak dua minggu; dua pengendara motor sudah jatuh.',
        guest: { name: 'Rudi Hartono', email: 'rudi.perjalanan@example.com', phone: '081234500001' },
      });
      await clickAndWait(p, p.locator('button[name=step][value=check]'));
      report = await sendReport(p);
      assert.equal((await env.api.report(report.tracking, report)).status.code, 'submitted');
    });

    await t.test('the national screener finds it in the queue and verifies it to Kutai Timur, as suggested', async () => {
      const p = screener.page;
      assert.equal(await p.locator('h1').innerText(), 'Antrian verifikasi');
      assert.ok(await p.locator('ul.tabs a[aria-current=page][href*="status=submitted"]').count(), 'the screener starts on the submitted tab');
      await openFromQueue(p, env, { tracking: report.tracking, word });
      assert.equal(await staffStatus(p), 'submitted');
      assert.ok(showsTracking(await p.locator('#tracking').innerText(), report.tracking));
      assert.match(await p.locator('#reporter').innerText(), /Rudi Hartono/, 'the screening desk sees who reported');
      const select = p.locator('select#v-instansi');
      assert.equal(await select.inputValue(), KUTIM.code, 'the routing suggestion is pre-selected');
      assert.match(await select.locator('option:checked').innerText(), /Pemerintah Kabupaten Kutai Timur/);
      assert.match(await bodyText(p), /Saran penerusan: Pemerintah Kabupaten Kutai Timur/, 'the suggestion is spelt out');
      assert.equal(await p.locator('select#v-category').inputValue(), 'pupr.jalan', 'the category is kept');
      await staffAct(p, 'verify');
    });

    await t.test('the Diskominfo coordinator disposes it to Dinas PUPR, as the routing rule says', async () => {
      const p = coordinator.page;
      assert.equal(await p.locator('h1').innerText(), 'Laporan instansi');
      await openFromQueue(p, env, { tracking: report.tracking, word, status: 'forwarded' });
      assert.equal(await staffStatus(p), 'forwarded');
      assert.match(await p.locator('#timeline').innerText(), /diteruskan ke Pemerintah Kabupaten Kutai Timur/);
      const pupr = p.locator(`details#dispose input[name=units][value="${PUPR_UNIT.code}"]`);
      assert.equal(await pupr.count(), 1, 'Dinas PUPR is offered');
      assert.ok(await pupr.isChecked(), 'Dinas PUPR is pre-checked from the routing rule');
      const checked = await p.locator('details#dispose input[name=units]:checked').evaluateAll((is) => is.map((i) => i.value));
      assert.deepEqual(checked, [PUPR_UNIT.code], 'only the default unit is checked');
      assert.deepEqual(await p.locator('select#v-instansi').count(), 0, 'no verify form for the coordinator');
      await staffAct(p, 'dispose');
      await visit(p, env, `/staf/laporan/${report.tracking}`);
      assert.equal(await staffStatus(p), 'in_progress');
      assert.match(await p.locator('#status').innerText(), /Pekerjaan Umum|Kutai Timur/i, 'the status names who holds it');
    });

    await t.test('the Dinas PUPR officer publishes the final answer', async () => {
      const p = officer.page;
      assert.equal(await p.locator('h1').innerText(), 'Antrian unit');
      await openFromQueue(p, env, { tracking: report.tracking, word, status: 'in_progress' });
      assert.equal(await staffStatus(p), 'in_progress');
      assert.ok((await staffActions(p)).includes('respond'), 'the officer may respond');
      assert.ok(await p.locator('#r-final').isChecked(), 'a final answer by default');
      await staffAct(p, 'respond', (form) => form.locator('#respond-text').fill(answer));
      await visit(p, env, `/staf/laporan/${report.tracking}`);
      assert.equal(await staffStatus(p), 'responded');
      assert.ok((await p.locator('#timeline').innerText()).includes('sudah ditambal'), 'the answer is in the staff timeline');
    });

    await t.test('the citizen reads the answer through the private link, accepts it and rates it 5 stars', async () => {
      const p = citizen.page;
      await openAsReporter(p, report.privateLink);
      assert.ok((await p.locator('#timeline').innerText()).includes('sudah ditambal'), 'the answer reaches the reporter');
      await clickAndWait(p, p.locator('form#action-accept [type=submit]'));
      assert.equal(await p.locator('.error-summary').count(), 0, await bodyText(p));
      await p.locator('#stars-5').check();
      await p.locator('form#action-rate textarea[name=comment]').fill('Cepat ditangani, terima kasih Dinas PUPR.');
      await clickAndWait(p, p.locator('form#action-rate [type=submit]'));
      assert.equal(await p.locator('.error-summary').count(), 0, await bodyText(p));
      const now = await env.api.report(report.tracking, report);
      assert.equal(now.status.code, 'closed');
      assert.equal(now.rating?.stars, 5);
    });

    await t.test('the report is closed for the staff, and its public page shows the answer', async () => {
      const p = coordinator.page;
      await visit(p, env, `/staf/laporan/${report.tracking}`);
      assert.equal(await staffStatus(p), 'closed');
      await visit(citizen.page, env, `/laporan/${report.tracking}`);
      const text = await bodyText(citizen.page);
      assert.ok(text.includes('sudah ditambal'), 'the public page shows the answer');
      assert.ok(!text.includes('Rudi Hartono') && !text.includes('rudi.perjalanan'), 'the public page hides the reporter');
    });
  } finally {
    for (const who of [citizen, screener, coordinator, officer]) await who.context.close();
  }
});

test('the coordinator returns a report as not their authority; the screener reads why and routes it again', async () => {
  // No demo coordinator works for an instansi other than Kutai Timur, so the report goes
  // to Kutai Timur, comes back, and goes to Kutai Timur again.
  const report = await fileWithWord('Jembatan kayu lapuk di Senyiur');
  const reason = 'Jembatan ini jalan provinsi, bukan kewenangan kabupaten; mohon diteruskan ke provinsi.';
  const screener = await person(STAFF.screener);
  const coordinator = await person(STAFF.coordinator);
  try {
    await openFromQueue(screener.page, env, { tracking: report.tracking, word: report.word });
    await staffAct(screener.page, 'verify');

    const c = coordinator.page;
    await openFromQueue(c, env, { tracking: report.tracking, word: report.word, status: 'forwarded' });
    await staffAct(c, 'return_not_authority', (form) => form.locator('#return_not_authority-text').fill(reason));
    assert.equal((await env.api.report(report.tracking, DEMO.screener)).status.code, 'submitted', 'back at the screening desk');
    // Gone from the coordinator's forwarded tab.
    await visit(c, env, `/staf/antrian?status=forwarded&q=${report.word}`);
    assert.ok(!(await queueRows(c)).some((r) => r.tracking === report.tracking), 'no longer in the coordinator queue');

    const s = screener.page;
    await visit(s, env, '/staf/antrian');
    await openFromQueue(s, env, { tracking: report.tracking, word: report.word, status: 'submitted' });
    assert.equal(await staffStatus(s), 'submitted');
    assert.ok((await s.locator('#timeline').innerText()).includes('bukan kewenangan kabupaten'), 'the screener reads the reason in #timeline');
    assert.equal(await s.locator('select#v-instansi').inputValue(), KUTIM.code);
    await staffAct(s, 'verify', (form) => form.locator('#v-note').fill('Sudah dicek: ruas ini jalan kabupaten.'));

    await visit(c, env, '/staf/antrian');
    await openFromQueue(c, env, { tracking: report.tracking, word: report.word, status: 'forwarded' });
    assert.equal(await staffStatus(c), 'forwarded', 'back in the coordinator queue');
    assert.ok((await staffActions(c)).includes('dispose'));
  } finally {
    await screener.context.close();
    await coordinator.context.close();
  }
});

test('the screener requests information; the citizen answers through the private link; the report is back in screening', async () => {
  const report = await fileWithWord('Lubang besar di jalan poros Muara Ancalong');
  const question = 'Di depan nomor rumah berapa tepatnya lubang itu? Mohon sertakan patokan.';
  const reply = 'Di depan rumah nomor 17, persis di seberang toko bangunan Sinar Jaya.';
  const screener = await person(STAFF.screener);
  const citizen = await person(null);
  try {
    const s = screener.page;
    await openFromQueue(s, env, { tracking: report.tracking, word: report.word });
    await staffAct(s, 'request_info', (form) => form.locator('#request_info-text').fill(question));
    assert.equal((await env.api.report(report.tracking, report)).status.code, 'needs_info');
    await visit(s, env, '/staf/antrian');
    await openFromQueue(s, env, { tracking: report.tracking, word: report.word, status: 'needs_info' });
    assert.equal(await staffStatus(s), 'needs_info');

    const p = citizen.page;
    await openAsReporter(p, report.privateLink);
    assert.ok((await bodyText(p)).includes('nomor rumah berapa'), 'the reporter reads the question');
    await p.locator('form#action-reply textarea[name=message]').fill(reply);
    await clickAndWait(p, p.locator('form#action-reply [type=submit]'));
    assert.equal(await p.locator('.error-summary').count(), 0, await bodyText(p));

    await visit(s, env, '/staf/antrian');
    await openFromQueue(s, env, { tracking: report.tracking, word: report.word, status: 'submitted' });
    assert.equal(await staffStatus(s), 'submitted', 'back in the screening queue');
    const timeline = await s.locator('#timeline').innerText();
    assert.ok(timeline.includes('nomor rumah berapa'), 'the question is in the staff timeline');
    assert.ok(timeline.includes('rumah nomor 17'), 'the answer is in the staff timeline');
    assert.ok((await staffActions(s)).includes('verify'), 'the screener may verify it now');
  } finally {
    await screener.context.close();
    await citizen.context.close();
  }
});

test('supervisors read a report in scope, internal note included, with no action form', async (t) => {
  const report = await fileWithWord('Aspal jalan desa mengelupas');
  await env.api.forward(report.tracking);
  await env.api.act(report.tracking, DEMO.officer, { action: 'internal_note', text: 'Survei lapangan dijadwalkan Kamis; material dari gudang Sangatta.' });
  for (const [who, email] of [['Kutai Timur inspectorate', STAFF.supervisor], ['national Ombudsman', STAFF.nationalSupervisor]]) {
    await t.test(who, async () => {
      const { context, page } = await person(email);
      try {
        assert.equal(await page.locator('h1').innerText(), 'Laporan dalam pengawasan');
        await openFromQueue(page, env, { tracking: report.tracking, word: report.word, status: 'in_progress' });
        assert.equal(await staffStatus(page), 'in_progress');
        assert.equal(await page.locator('#read-only').count(), 1, '#read-only tells the supervisor they only read');
        assert.equal(await page.locator('form:has([name=aksi])').count(), 0, 'no action form');
        assert.deepEqual(await staffActions(page), [], 'no action panel');
        assert.ok((await page.locator('#timeline').innerText()).includes('gudang Sangatta'), 'the internal note is readable');
      } finally {
        await context.close();
      }
    });
  }
});

test('a coordinator enters a report phoned in by a citizen; the screener sees the channel, the NIK and who entered it', async () => {
  const word = unique('telepon');
  const coordinator = await person(STAFF.coordinator);
  const screener = await person(STAFF.screener);
  try {
    const p = coordinator.page;
    await clickAndWait(p, p.locator('nav a[href="/staf/input"]'));
    assert.equal(new URL(p.url()).pathname, '/staf/input');
    assert.equal(await p.locator('form[action="/staf/input"]').count(), 1, 'the form posts to /staf/input');
    await fillReport(p, {
      js: true,
      title: `Jalan longsor di tepi sungai ${word}`,
      description: 'Warga menelepon: badan jalan longsor sepanjang lima meter di tepi sungai, kendaraan roda empat tidak bisa lewat.',
      guest: { name: 'Pak Darmawan', email: 'darmawan@example.com', phone: '081355500042' },
    });
    await choose(p, 'select#channel', { code: 'phone', name: 'Telepon' });
    await p.locator('#nik').fill('6408011204780003');
    await clickAndWait(p, p.locator('button[name=step][value=check]'));
    assert.equal(await p.locator('.error-summary').count(), 0, await bodyText(p));
    assert.match(await bodyText(p), /Saluran masuk Telepon/i, 'the check page shows the channel');
    const report = await sendReport(p);

    const s = screener.page;
    await openFromQueue(s, env, { tracking: report.tracking, word, status: 'submitted' });
    const text = await bodyText(s);
    assert.match(text, /Telepon \(diinput petugas\)/, 'the channel and that staff entered it');
    const reporter = await s.locator('#reporter').innerText();
    assert.ok(reporter.includes('Pak Darmawan') && reporter.includes('6408011204780003'), `#reporter has the name and NIK: ${reporter}`);
  } finally {
    await coordinator.context.close();
    await screener.context.close();
  }
});

test('the intake form keeps the staff header (role switch, way back to the queue)', async () => {
  const { context, page } = await person(STAFF.coordinator);
  try {
    await visit(page, env, '/staf/input');
    assert.equal(await page.locator('form.role-switch').count(), 1, 'the role switch is in the header');
    assert.equal(await page.locator('header a[href="/staf/antrian"], nav a[href="/staf/antrian"]').count(), 1, 'a link back to the queue');
  } finally {
    await context.close();
  }
});

test("the admin adds an answer template; the officer's template link fills the answer box, with and without JavaScript", async () => {
  const title = `Penambalan dijadwalkan ${unique('t')}`;
  const body = 'Terima kasih atas laporan Anda. Tim Dinas PUPR akan menambal jalan tersebut dalam lima hari kerja.';
  const admin = await person(STAFF.admin, '/staf/admin');
  try {
    const p = admin.page;
    await clickAndWait(p, p.locator('ul.tabs a[href="/staf/admin?bagian=templat"]'));
    const form = p.locator('form#template-create');
    await form.locator('#nt-org').selectOption(PUPR_UNIT.code);
    await form.locator('#nt-category').selectOption('pupr.jalan');
    await form.locator('#nt-title').fill(title);
    await form.locator('#nt-body').fill(body);
    await clickAndWait(p, form.locator('[type=submit]'));
    assert.equal(await p.locator('#admin-error').count(), 0, await bodyText(p));
    assert.ok((await p.locator('#templat').innerText()).includes(title), 'the new template is listed');
  } finally {
    await admin.context.close();
  }

  const report = await fileWithWord('Jalan tergenang dan berlubang dekat SDN 001');
  await env.api.forward(report.tracking);
  const officer = await person(STAFF.officer);
  try {
    const p = officer.page;
    await openFromQueue(p, env, { tracking: report.tracking, word: report.word, status: 'in_progress' });
    const link = p.locator('details#respond a[data-template]', { hasText: title });
    assert.equal(await link.count(), 1, 'the template is offered in the respond form');
    assert.equal(await p.locator('#respond-text').inputValue(), '', 'the answer box starts empty');
    await link.click();
    assert.equal(await p.locator('#respond-text').inputValue(), body, 'the template fills the answer box');
    assert.ok(await p.locator('#respond-text').evaluate((el) => el === document.activeElement), 'and takes focus');
    assert.equal(new URL(p.url()).searchParams.get('templat'), null, 'with JavaScript the page did not reload');
    await p.locator('#r-progress').check();
    await staffAct(p, 'respond', (f) => f.locator('#respond-text').fill(`${body} Bahan sudah dipesan.`));
    await visit(p, env, `/staf/laporan/${report.tracking}`);
    assert.equal(await staffStatus(p), 'in_progress', 'a progress update keeps the report in progress');
    assert.ok((await p.locator('#timeline').innerText()).includes('Bahan sudah dipesan'));
  } finally {
    await officer.context.close();
  }

  const context = await newContext(env, { javaScriptEnabled: false });
  const p = await context.newPage();
  try {
    await signInStaff(p, env, STAFF.officer);
    await visit(p, env, `/staf/laporan/${report.tracking}`);
    await clickAndWait(p, p.locator('details#respond a[data-template]', { hasText: title }));
    assert.ok(new URL(p.url()).searchParams.get('templat'), 'without JavaScript the link reloads with ?templat=');
    assert.equal(await p.locator('#respond-text').inputValue(), body, 'the server puts the template in the answer box');
  } finally {
    await context.close();
  }
});

securityTests();
