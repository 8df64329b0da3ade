/** /metrics carries per-kind delivery figures: what waits in the outbox and what reached a final state. */
import { describe, expect } from 'vitest';
import { secsolTest } from '../harness/fixtures.js';

const it = secsolTest({ env: { SECSOL_EXPECTED_EVERY: '10m' } });

describe('GET /metrics', () => {
  it('counts deliveries per kind and outcome, and outbox items per kind', async ({ app, secsol }) => {
    const s = await secsol.createSolution('Metrics Target');
    await secsol.openIncident(s);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/^secsol_deliveries_total\{kind="flip",outcome="sent"\} [1-9]\d*$/m);
    expect(text).toMatch(/^secsol_outbox_items\{kind="flip"\} \d+$/m);
    expect(text).toMatch(/^# TYPE secsol_deliveries_total counter$/m);
  });
});
