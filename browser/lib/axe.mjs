// axe-core in the page under test. The source is evaluated through the DevTools protocol
// (page.evaluate), which the page's Content-Security-Policy does not govern, so the scan
// needs no bypassCSP and sees the page exactly as a visitor gets it.

import { readFileSync } from 'node:fs';
import { AXE_PATH, assert } from './harness.mjs';

const AXE_SOURCE = readFileSync(AXE_PATH, 'utf8');
const BLOCKING = new Set(['serious', 'critical']);

/** Runs axe (WCAG 2.x A/AA and best practices) and returns its violations. */
export async function scan(page) {
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary })),
    }));
  });
}

/** Violations as lines: "[serious] color-contrast: … — #selector <html…>". */
export function describe(label, violations) {
  const lines = [];
  for (const v of violations) {
    for (const n of v.nodes.slice(0, 8)) {
      lines.push(`${label} [${v.impact}] ${v.id}: ${v.help} — ${n.target} ${n.html.replace(/\s+/g, ' ')}`);
    }
    if (v.nodes.length > 8) lines.push(`${label} [${v.impact}] ${v.id}: … and ${v.nodes.length - 8} more nodes`);
  }
  return lines;
}

export function blocking(violations) {
  return violations.filter((v) => BLOCKING.has(v.impact));
}

/**
 * Scans the page and fails on any serious or critical violation; every violation is
 * printed (and attached to the test `t` as a diagnostic).
 */
export async function expectAccessible(t, page, label) {
  const violations = await scan(page);
  const lines = describe(label, violations);
  if (lines.length) t.diagnostic(lines.join('\n'));
  for (const line of lines) console.log(`# axe ${line}`);
  const bad = blocking(violations);
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(', ')}`),
    [],
    `serious or critical axe violations on ${label}:\n${describe(label, bad).join('\n')}`,
  );
}
