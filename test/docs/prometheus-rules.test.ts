/**
 * docs/prometheus-rules.yml must keep working: valid for promtool (when it is installed: Debian's
 * `prometheus` package), and naming only metrics that /metrics really exports.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';

const RULES = 'docs/prometheus-rules.yml';
const promtool = spawnSync('promtool', ['--version']).status === 0;

let fake: FakeSlack;
let app: TestApp;
beforeAll(async () => {
  fake = await FakeSlack.start();
  app = await startApp(fake);
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

describe(RULES, () => {
  it.skipIf(!promtool)('passes promtool check rules', () => {
    const out = execFileSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('names only secsol metrics that /metrics exports', async () => {
    const doc = parse(readFileSync(RULES, 'utf8')) as { groups: { rules: { expr: string }[] }[] };
    const named = new Set(
      doc.groups.flatMap((g) => g.rules.flatMap((r) => r.expr.match(/secsol_[a-z_]+/g) ?? [])),
    );
    expect(named.size).toBeGreaterThan(3);
    const metrics = (await call(`${app.url}/metrics`, 'GET')).text;
    for (const name of named) expect(metrics, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
  });
});
