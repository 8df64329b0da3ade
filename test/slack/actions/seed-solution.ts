/** Solutions written straight into storage, for the Slack listener tests that need one in a given shape. */
import type { Solution } from '../../../src/domain/model.js';
import type { StorageContext } from '../../../src/storage/context.js';
import { SolutionRepository } from '../../../src/storage/solution-repository.js';

/** A solution written straight into storage (fast seeding; the services are exercised elsewhere). */
export async function seedSolution(
  ctx: StorageContext,
  fields: Partial<Solution> & { name: string },
  now = Date.now(),
): Promise<Solution> {
  const solution: Solution = {
    id:
      fields.id ??
      fields.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, ''),
    vendor: 'Vendor',
    family: 'other',
    source: 'push',
    linkedResources: [],
    lifecycle: 'connected',
    createdAt: now,
    connectedAt: now,
    version: 1,
    ...fields,
  };
  const created = await new SolutionRepository(ctx).create(
    solution,
    now,
    solution.lifecycle === 'connected' ? now + 86_400_000 : null,
  );
  if (created !== 'created') throw new Error(`solution ${solution.id} not created: ${created}`);
  return solution;
}
