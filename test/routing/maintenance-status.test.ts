/** `/secsol status` shows a maintenance window as an overlay on the solutions it holds (docs/contract.md §10.1). */
import { describe, expect } from 'vitest';
import { secsolTest } from '../harness/fixtures.js';

const it = secsolTest({ env: { SECSOL_EXPECTED_EVERY: '10m' } });

describe('/secsol status during maintenance', () => {
  it('marks the held solution "in maintenance until …" and not the others', async ({ secsol }) => {
    const held = await secsol.createSolution('Scanner In Upgrade');
    const free = await secsol.createSolution('Scanner Running');
    const created = await secsol.admin('POST', '/api/v1/maintenance', {
      solutions: [held.id],
      duration: '2h',
      reason: 'upgrade',
    });
    expect(created.status).toBe(201);
    const answer = await secsol.runCommand('/secsol status');
    const rows = ((answer.json as { blocks: { text?: { text?: string } }[] }).blocks ?? []).map(
      (b) => b.text?.text ?? '',
    );
    const heldRow = rows.find((t) => t.includes('Scanner In Upgrade'));
    const freeRow = rows.find((t) => t.includes('Scanner Running'));
    expect(heldRow).toMatch(/:construction: in maintenance until <!date\^/);
    expect(freeRow).toBeDefined();
    expect(freeRow).not.toMatch(/maintenance/);
    expect(free.id).not.toBe(held.id);
  });
});
