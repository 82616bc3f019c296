// Screenshots of every desk of the staff workspace at 1280×800, into
// docs/screenshots/staff-*.png: the screener's queue and report page, the coordinator's
// and the officer's report pages, the supervisor's read-only page, the admin's pages,
// the national and the regency dashboards and intake. A server of its own, so that the
// queues show the demo data and these reports.
import { test } from 'node:test';
import { existsSync, statSync } from 'node:fs';
import {
  setup, assert, newContext, visit, clickAndWait, screenshot, securityTests, signInStaff, staffStatus, DEMO, STAFF, DESKTOP,
} from '../lib/harness.mjs';

const reports = {};

const env = setup(async (env) => {
  const reporter = { name: 'Rudi Hartono', email: 'rudi.hartono@example.com', phone: '081234567890' };
  reports.submitted = await env.api.file({
    title: 'Jalan berlubang di depan Pasar Senyiur',
    description: 'Sejak dua minggu jalan poros di depan pasar berlubang besar dan tergenang air; dua pengendara motor sudah jatuh.',
    reporter,
  });
  reports.forwarded = await env.api.file({ title: 'Jembatan kayu di Senyiur mulai lapuk', reporter });
  await env.api.act(reports.forwarded.tracking, DEMO.screener, { action: 'verify', note: 'Lokasi jelas; foto menyusul.' });
  reports.inProgress = await env.api.file({ title: 'Lubang besar di jalan poros Muara Ancalong', reporter });
  await env.api.forward(reports.inProgress.tracking);
  await env.api.act(reports.inProgress.tracking, DEMO.officer, {
    action: 'internal_note',
    text: 'Tim survei berangkat Selasa; material dari gudang Sangatta.',
  });
  await env.api.answer(reports.inProgress.tracking, 'Tim Dinas PUPR sudah meninjau lokasi; penambalan dijadwalkan pekan depan.', 'progress');
}, { ownServer: true });

test('screenshots of the staff desks at 1280×800', async (t) => {
  const shot = (name, email, open, landing) =>
    t.test(name, async () => {
      const context = await newContext(env, { viewport: DESKTOP, deviceScaleFactor: 1 });
      const page = await context.newPage();
      try {
        await signInStaff(page, env, email, landing);
        await open(page);
        const path = await screenshot(page, name);
        assert.ok(existsSync(path) && statSync(path).size > 1000, path);
      } finally {
        await context.close();
      }
    });
  const report = async (page, r, status) => {
    await visit(page, env, `/staf/laporan/${r.tracking}`);
    assert.equal(await staffStatus(page), status);
  };

  await shot('staff-queue-screener', STAFF.screener, async (page) => {
    assert.ok(await page.locator('table.queue tbody tr').count() > 0, 'the queue has rows');
    assert.ok(await page.locator('.clock').count() > 0, 'the queue shows deadline badges');
  });
  await shot('staff-report-screener', STAFF.screener, (page) => report(page, reports.submitted, 'submitted'));
  await shot('staff-report-coordinator', STAFF.coordinator, (page) => report(page, reports.forwarded, 'forwarded'));
  await shot('staff-report-officer', STAFF.officer, (page) => report(page, reports.inProgress, 'in_progress'));
  await shot('staff-supervisor', STAFF.supervisor, async (page) => {
    await report(page, reports.inProgress, 'in_progress');
    assert.equal(await page.locator('#read-only').count(), 1);
  });
  await shot('staff-admin', STAFF.admin, async (page) => {
    assert.ok(await page.locator('#unit table.queue tbody tr').count() > 0, 'the admin sees the units');
  }, '/staf/admin');
  await shot('staff-dashboard-national', STAFF.screener, async (page) => {
    await visit(page, env, '/staf/dasbor');
    assert.ok(await page.locator('svg.chart').count() >= 2, 'the trends are drawn by the server');
    assert.ok(
      await page.locator('section[aria-labelledby="rincian-instansi"] tbody a').count() > 0,
      'each instansi links to its own dashboard',
    );
  });
  await shot('staff-dashboard-coordinator', STAFF.coordinator, async (page) => {
    await visit(page, env, '/staf/dasbor');
    assert.ok(await page.locator('section[aria-labelledby="unit-kerja"] a').count() > 0, 'its units, one click away');
  });
  await shot('staff-dashboard-set', STAFF.supervisorSet, async (page) => {
    await visit(page, env, '/staf/dasbor');
    await clickAndWait(page, page.locator('a[href^="/staf/dasbor/pengawasan"]'));
    assert.match(await page.locator('h1').innerText(), /organisasi/, 'the set, with how many it holds');
    assert.ok(await page.locator('svg.chart').count() >= 2, 'its trends');
    const rows = page.locator('section[aria-labelledby="rincian-instansi"] tbody tr');
    assert.ok(await rows.count() > 1, 'each organisation of the set in a row');
  });
  await shot('staff-intake', STAFF.coordinator, async (page) => {
    await visit(page, env, '/staf/input');
    assert.equal(await page.locator('select#channel').count(), 1);
    assert.equal(await page.locator('#nik').count(), 1);
  });
});

test('the queue marks deadlines in words and classes: on time, due soon or overdue', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  try {
    await signInStaff(page, env, STAFF.coordinator);
    const seen = new Set();
    for (const status of ['forwarded', 'in_progress', 'responded']) {
      await visit(page, env, `/staf/antrian?status=${status}`);
      const clocks = await page.locator('table.queue .clock').evaluateAll((cs) =>
        cs.map((c) => ({ cls: c.className, text: c.textContent.trim() })),
      );
      for (const c of clocks) {
        const m = c.cls.match(/clock-(on_time|due_soon|overdue)/);
        assert.ok(m, `a clock badge has a standing class: ${c.cls}`);
        assert.ok(c.text.length > 0, 'the standing is in words, not colour alone');
        seen.add(m[1]);
      }
    }
    assert.ok(seen.size > 0, 'the coordinator queue shows deadline badges');
    console.log(`# clock standings seen in the coordinator's queue: ${[...seen].join(', ')}`);
  } finally {
    await context.close();
  }
});

securityTests();
