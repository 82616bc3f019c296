// axe-core on every page of the staff workspace, as each desk sees it (the page's own
// CSP in force): the queue of every role, the report page of every role (with its action
// forms, a confirmation and a refusal), intake, the admin's pages and the role chooser.
// Any violation of impact serious or critical fails; all are printed.
import { test } from 'node:test';
import {
  setup, assert, newContext, visit, clickAndWait, signIn, signInStaff, securityTests, staffAct, unique, DEMO, STAFF,
} from '../lib/harness.mjs';
import { expectAccessible } from '../lib/axe.mjs';

const reports = {};

const env = setup(async (env) => {
  const file = (title) => env.api.file({ title: `${title} ${unique('aksesibel')}` });
  reports.submitted = await file('Jalan berlubang di depan Pasar Senyiur');
  reports.forwarded = await file('Lubang besar di jalan poros Muara Ancalong');
  await env.api.act(reports.forwarded.tracking, DEMO.screener, { action: 'verify' });
  reports.inProgress = await file('Aspal jalan desa mengelupas sepanjang 200 meter');
  await env.api.forward(reports.inProgress.tracking);
  await env.api.act(reports.inProgress.tracking, DEMO.officer, { action: 'internal_note', text: 'Survei lapangan hari Kamis.' });
});

/** A scan of one page, in a context of its own signed in as `email`: its own subtest. */
function page(t, label, email, open, landing) {
  return t.test(label, async (t) => {
    const context = await newContext(env);
    const p = await context.newPage();
    try {
      if (email) await signInStaff(p, env, email, landing);
      await open(p);
      await expectAccessible(t, p, label);
    } finally {
      await context.close();
    }
  });
}

const report = (p, r) => visit(p, env, `/staf/laporan/${r.tracking}`);

test('queues', async (t) => {
  await page(t, 'queue: screener', STAFF.screener, () => {});
  await page(t, 'queue: screener, needs_info tab, filtered', STAFF.screener, (p) =>
    visit(p, env, '/staf/antrian?status=needs_info&q=jalan&wilayah=64.08&terlambat=1'));
  await page(t, 'queue: screener, a filter refused', STAFF.screener, async (p) => {
    await visit(p, env, '/staf/antrian?wilayah=bukan-kode');
  });
  await page(t, 'queue: coordinator', STAFF.coordinator, () => {});
  await page(t, 'queue: officer', STAFF.officer, () => {});
  await page(t, 'queue: supervisor (Kutai Timur)', STAFF.supervisor, () => {});
  await page(t, 'queue: supervisor (national)', STAFF.nationalSupervisor, () => {});
});

test('report pages', async (t) => {
  await page(t, 'report: screener (verify, request info, archive)', STAFF.screener, (p) => report(p, reports.submitted));
  await page(t, 'report: screener, the action refused (#action-error)', STAFF.screener, async (p) => {
    await report(p, reports.submitted);
    // A request for information without a question is refused on the page.
    const details = p.locator('details#request_info');
    if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
    await clickAndWait(p, details.locator('form [type=submit]'));
    await p.locator('#action-error').waitFor();
  });
  await page(t, 'report: coordinator (dispose, return)', STAFF.coordinator, (p) => report(p, reports.forwarded));
  await page(t, 'report: officer (respond, hand back, note)', STAFF.officer, (p) => report(p, reports.inProgress));
  await page(t, 'report: officer, after an internal note (#done)', STAFF.officer, async (p) => {
    await report(p, reports.inProgress);
    await staffAct(p, 'internal_note', (form) => form.locator('#internal_note-text').fill('Material tiba hari Jumat.'));
  });
  await page(t, 'report: supervisor (read only)', STAFF.supervisor, (p) => report(p, reports.inProgress));
});

test('intake, administration and the role chooser', async (t) => {
  await page(t, 'intake: screener', STAFF.screener, async (p) => {
    await visit(p, env, '/staf/input');
    assert.equal(await p.locator('select#channel').count(), 1, 'the intake form asks for the channel');
  });
  await page(t, 'intake with errors', STAFF.coordinator, async (p) => {
    await visit(p, env, '/staf/input');
    await clickAndWait(p, p.locator('button[name=step][value=check]'));
    await p.locator('.error-summary').waitFor();
  });
  await page(t, 'admin: Kutai Timur', STAFF.admin, () => {}, '/staf/admin');
  for (const section of ['orang', 'aturan', 'templat', 'batas', 'webhook']) {
    await page(t, `admin: ${section}`, STAFF.admin, async (p) => {
      await visit(p, env, `/staf/admin?bagian=${section}`);
      assert.equal(await p.locator(`section#${section}`).count(), 1, `the ${section} section is shown`);
    }, '/staf/admin');
  }
  await page(t, 'admin: webhook registered (secret shown once)', STAFF.admin, async (p) => {
    await visit(p, env, '/staf/admin?bagian=webhook');
    await p.locator('#w-url').fill(`https://penerima.example/aduan/${unique('hook')}`);
    // A rare event, so that the demo's receiver-less webhook is seldom called.
    await p.locator('#w-event-ombudsman_flagged').check();
    await clickAndWait(p, p.locator('form#webhook-create [type=submit]'));
    await p.locator('#webhook-secret').waitFor();
  }, '/staf/admin');
  await page(t, 'admin: webhook, a bad address refused', STAFF.admin, async (p) => {
    await visit(p, env, '/staf/admin?bagian=webhook');
    // A URL to the browser, but not http(s): the server refuses it.
    await p.locator('#w-url').fill('ftp://penerima.example/aduan');
    await clickAndWait(p, p.locator('form#webhook-create [type=submit]'));
    await p.locator('#admin-error').waitFor();
  }, '/staf/admin');
  // The outbox is the national admin's (an admin at the root of the tree).
  await page(t, 'admin: kiriman (national admin)', 'admin.nasional@demo.aduan.id', async (p) => {
    await visit(p, env, '/staf/admin?bagian=kiriman&keadaan=semua');
    assert.equal(await p.locator('section#kiriman').count(), 1, 'the kiriman section is shown');
  }, '/staf/admin');
  await page(t, 'dashboard: national desk', STAFF.screener, (p) => visit(p, env, '/staf/dasbor'));
  await page(t, 'dashboard: Kutai Timur', STAFF.coordinator, (p) => visit(p, env, '/staf/dasbor'));
  await page(t, 'dashboard: Dinas PUPR', STAFF.officer, (p) => visit(p, env, '/staf/dasbor'));
  await page(t, "dashboard: a supervisor's set", STAFF.supervisorSet, (p) => visit(p, env, '/staf/dasbor/pengawasan'));
  await page(t, 'monthly report for print', STAFF.coordinator, (p) => visit(p, env, '/staf/dasbor/cetak'));
  await page(t, 'exports', STAFF.coordinator, (p) => visit(p, env, '/staf/ekspor'));
  await page(t, 'role chooser /staf/peran', null, async (p) => {
    await signIn(p, env, STAFF.coordinator);
    await visit(p, env, '/staf/peran');
    assert.ok(await p.locator('input[type=radio][name=peran]').count() >= 2, 'the roles and "reporter" are offered');
  });
  await page(t, 'queue: English', STAFF.screener, async (p) => {
    await clickAndWait(p, p.locator('a#lang-switch'));
    assert.equal(await p.locator('html').getAttribute('lang'), 'en');
  });
});

securityTests();
