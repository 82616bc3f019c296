// The harness itself: the binary answers its probes, Chromium starts, the API signs in.
import { test } from 'node:test';
import { setup, assert, newPage, DEMO } from '../lib/harness.mjs';

const env = setup();

test('GET /healthz and /readyz answer 200 in Chromium', async () => {
  const page = await newPage(env);
  for (const path of ['/healthz', '/readyz']) {
    const response = await page.goto(env.base + path);
    assert.equal(response.status(), 200, path);
    const body = JSON.parse(await response.text());
    assert.ok(body.status, `${path} has a status: ${JSON.stringify(body)}`);
  }
  await page.context().close();
});

test('the demo accounts sign in over the API', async () => {
  for (const email of Object.values(DEMO)) assert.ok(await env.api.token(email), email);
  const me = await env.api.call('GET', '/api/v1/me', { token: await env.api.token(DEMO.coordinator) });
  assert.ok(me, 'GET /api/v1/me');
});
