/** A new solution's record from what its creator gave, and the id it gets (a slug of its name). */
import type { Family, Solution } from '../domain/model.js';

export interface NewSolution {
  name: string;
  vendor: string;
  family?: Family;
  consoleUrl?: string;
  description?: string;
  every?: number;
  grace?: number;
  alertChannel?: string;
  owner?: string;
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return slug || 'solution';
}

export const SOLUTION_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function newSolution(
  input: NewSolution,
  o: { id: string; lifecycle: 'connected' | 'discovered'; source: 'push' | 'azure'; now: number },
): Solution {
  const { id, lifecycle, source, now } = o;
  return {
    id,
    name: input.name,
    vendor: input.vendor,
    family: input.family ?? 'other',
    source,
    description: input.description,
    consoleUrl: input.consoleUrl,
    owner: input.owner,
    alertChannel: input.alertChannel,
    linkedResources: [],
    every: input.every,
    grace: input.grace,
    lifecycle,
    createdAt: now,
    connectedAt: lifecycle === 'connected' ? now : undefined,
    version: 1,
  };
}
