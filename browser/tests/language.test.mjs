// Indonesian by default; a#lang-switch in the header of every page changes to English
// (and back), and the choice holds across pages.
import { test } from 'node:test';
import { setup, assert, newContext, visit, clickAndWait, bodyText, securityTests } from '../lib/harness.mjs';

const env = setup();
const PAGES = ['/', '/lapor', '/lacak', '/laporan', '/peta', '/masuk', '/daftar'];

const lang = (page) => page.locator('html').getAttribute('lang');

test('Indonesian by default on every page, each with a#lang-switch', async () => {
  // Even for a browser that prefers English: the portal's default is Indonesian.
  const context = await newContext(env, { locale: 'en-US' });
  const page = await context.newPage();
  for (const path of PAGES) {
    await visit(page, env, path);
    assert.equal(await lang(page), 'id', `<html lang> on ${path}`);
    assert.equal(await page.locator('a#lang-switch').count(), 1, `a#lang-switch on ${path}`);
  }
  await context.close();
});

test('the switch changes <html lang> and the text, and persists across pages', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  await visit(page, env, '/');
  assert.equal((await page.locator('a#file-report').innerText()).trim(), 'Buat laporan');
  const indonesian = await bodyText(page);

  await clickAndWait(page, page.locator('a#lang-switch'));
  assert.equal(await lang(page), 'en', 'English after the switch');
  assert.equal(new URL(page.url()).pathname, '/', 'the switch stays on the same page');
  const english = (await page.locator('a#file-report').innerText()).trim();
  assert.notEqual(english, 'Buat laporan', 'a#file-report is translated');
  assert.match(english, /report/i);
  assert.notEqual(await bodyText(page), indonesian);

  // Other pages follow, by the link in the page or typed in the address bar.
  await clickAndWait(page, page.locator('a#file-report'));
  assert.equal(await lang(page), 'en', '/lapor in English');
  assert.match((await page.locator('button[name=step][value=check]').innerText()).trim(), /^Next\b/);
  for (const path of ['/laporan', '/masuk', '/peta']) {
    await visit(page, env, path);
    assert.equal(await lang(page), 'en', `${path} in English`);
  }
  await visit(page, env, '/masuk');
  assert.doesNotMatch(await bodyText(page), /Kata sandi/i, '/masuk has no Indonesian label left');

  // And back.
  await clickAndWait(page, page.locator('a#lang-switch'));
  assert.equal(await lang(page), 'id');
  assert.equal(new URL(page.url()).pathname, '/masuk');
  await visit(page, env, '/');
  assert.equal(await lang(page), 'id');
  assert.equal((await page.locator('a#file-report').innerText()).trim(), 'Buat laporan');
  await context.close();
});

test('the check page and the error summary in English', async () => {
  const context = await newContext(env);
  const page = await context.newPage();
  await visit(page, env, '/lapor');
  await clickAndWait(page, page.locator('a#lang-switch'));
  assert.equal(new URL(page.url()).pathname, '/lapor');
  await clickAndWait(page, page.locator('button[name=step][value=check]'));
  assert.equal(await lang(page), 'en');
  const summary = await page.locator('.error-summary').innerText();
  assert.ok(summary.trim().length > 0, 'the error summary is shown');
  assert.doesNotMatch(summary, /\bwajib\b|\bharus\b/i, 'the error summary is in English');
  await context.close();
});

securityTests();
