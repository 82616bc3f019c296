// Keyboard only in the staff workspace: a screener searches the queue, reaches a report
// with Tab and Enter, goes through the verify form and submits it, every focused element
// visibly outlined on the way.
import { test } from 'node:test';
import {
  setup, assert, newContext, signInStaff, securityTests, unique, plain, trackingOf, DEMO, STAFF, KUTIM,
} from '../lib/harness.mjs';

const env = setup();

/** What has focus: a short description and whether its focus is drawn. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadowed = style.boxShadow && style.boxShadow !== 'none';
    const form = el.closest('details[id]');
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id || el.getAttribute('name') || el.textContent.trim().slice(0, 40),
      href: el.getAttribute('href'),
      type: el.getAttribute('type'),
      inside: form ? form.id : null,
      visible: outlined || shadowed,
    };
  });
}

/** Presses Tab until `wanted(focused)`; every stop is recorded in `seen`. */
async function tabUntil(page, seen, wanted, what, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (!f) continue;
    seen.push({ ...f, page: new URL(page.url()).pathname });
    if (wanted(f)) return f;
  }
  assert.fail(`Tab never reached ${what} in ${max} presses (reached: ${seen.slice(-15).map((s) => s.id).join(', ')})`);
}

async function enterAndWait(page) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
}

test('a screener reaches a report from the queue and verifies it with the keyboard alone', async () => {
  const word = unique('papan');
  const report = await env.api.file({ title: `Jalan amblas di dekat jembatan ${word}` });
  const context = await newContext(env);
  const page = await context.newPage();
  const seen = [];
  try {
    await signInStaff(page, env, STAFF.screener);

    // The queue's search box, typed into, Enter sends the filter form.
    await tabUntil(page, seen, (f) => f.id === 'q', 'the search box #q');
    await page.keyboard.type(word);
    await enterAndWait(page);
    assert.equal(new URL(page.url()).searchParams.get('q'), word, 'Enter in #q searched the queue');

    // The report's link in the table, Enter opens it.
    await tabUntil(
      page,
      seen,
      (f) => f.tag === 'a' && f.href?.startsWith('/staf/laporan/') && trackingOf(f.href) === plain(report.tracking),
      `the link to ${report.tracking}`,
    );
    await enterAndWait(page);
    assert.equal(trackingOf(page.url()), plain(report.tracking), 'on the report page');

    // The verify form: its summary (opened with Enter if closed), the agency, the button.
    const summary = await tabUntil(page, seen, (f) => f.inside === 'verify', 'the verify form');
    if (!(await page.locator('details#verify').evaluate((d) => d.open))) {
      assert.equal(summary.tag, 'summary', 'the closed verify form is reached at its summary');
      await page.keyboard.press('Enter');
      assert.ok(await page.locator('details#verify').evaluate((d) => d.open), 'Enter opens the verify form');
    }
    if (summary.id !== 'v-instansi') await tabUntil(page, seen, (f) => f.id === 'v-instansi', 'select#v-instansi');
    assert.equal(await page.locator('select#v-instansi').inputValue(), KUTIM.code, 'the suggestion is pre-selected');
    await tabUntil(page, seen, (f) => f.inside === 'verify' && f.tag === 'button', 'the verify button');
    await enterAndWait(page);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('berhasil'), 'verify', `the verify form was sent (now on ${url.pathname}${url.search})`);
    assert.equal(await page.locator('#action-error').count(), 0);
    assert.equal((await env.api.report(report.tracking, DEMO.screener)).status.code, 'forwarded');

    const invisible = seen.filter((s) => !s.visible).map((s) => `${s.page}: ${s.tag}#${s.id}`);
    assert.deepEqual(invisible, [], `every focused element shows its focus (${seen.length} stops)`);
  } finally {
    await context.close();
  }
});

securityTests();
