// Keyboard only: Tab reaches every field and button of the filing form and of the
// sign-in form in reading order, the focused element is always visibly outlined, and a
// report can be filed without touching the mouse.
import { test } from 'node:test';
import { setup, assert, newContext, visit, securityTests } from '../lib/harness.mjs';

const env = setup();

/** Tabs through the page; returns a description of each element that took focus. */
async function tabOrder(page, presses) {
  const seen = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      const shadowed = style.boxShadow && style.boxShadow !== 'none';
      const name = el.getAttribute('name');
      const id = el.id || (name === 'step' ? `step:${el.value}` : name) || el.textContent.trim().slice(0, 30);
      return { id, visible: outlined || shadowed };
    });
    if (focused) seen.push(focused);
  }
  return seen;
}

test('Tab reaches every field of the filing form, with a visible focus', async () => {
  const context = await newContext(env, { javaScriptEnabled: false });
  const page = await context.newPage();
  await visit(page, env, '/lapor');
  const seen = await tabOrder(page, 60);
  const ids = seen.map((s) => s.id);
  const wanted = ['kind-pengaduan', 'title', 'description', 'incident_date', 'province', 'regency', 'district',
    'village', 'address', 'category', 'target_instansi', 'attachments', 'anonymous', 'confidential', 'name',
    'email', 'phone'];
  let last = -1;
  for (const id of wanted) {
    const at = ids.indexOf(id);
    assert.ok(at >= 0, `#${id} is reachable with Tab (reached: ${ids.join(', ')})`);
    assert.ok(at > last, `#${id} comes after the field before it`);
    last = at;
  }
  assert.ok(ids.indexOf('step:check') > last, 'the submit button comes last');
  const invisible = seen.filter((s) => !s.visible).map((s) => s.id);
  assert.deepEqual(invisible, [], 'every focused element shows its focus');
  await context.close();
});

test('a guest files a report with the keyboard alone', async () => {
  const context = await newContext(env, { javaScriptEnabled: false });
  const page = await context.newPage();
  await visit(page, env, '/lapor');
  await page.locator('#title').focus();
  await page.keyboard.type('Lampu jalan mati di depan pasar');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Lampu jalan mati sejak seminggu, jalan gelap dan rawan di malam hari.');
  // The submit button, reached by Tab, pressed with Enter.
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const value = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('value'));
    if (value === 'check') break;
  }
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.locator('h1').innerText(), /Periksa laporan Anda/);
  await page.locator('button[value=send]').focus();
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.ok((await page.locator('#tracking').innerText()).trim().length >= 9, 'the confirmation shows the number');
  await context.close();
});

test('Tab reaches the sign-in form and the header links', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  await visit(page, env, '/masuk');
  const ids = (await tabOrder(page, 15)).map((s) => s.id);
  for (const id of ['lang-switch', 'email', 'password']) {
    assert.ok(ids.includes(id), `#${id} is reachable with Tab (reached: ${ids.join(', ')})`);
  }
  await context.close();
});

securityTests();
