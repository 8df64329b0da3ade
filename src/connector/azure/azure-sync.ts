/**
 * Applies one read of Defender for Cloud to secsol, through the same paths everything else takes:
 * solutions are created by the solution repository (and audited), health goes in as reports and alerts as
 * security events through the ingest service, so the evaluator, flips, alerts and deduplication work
 * unchanged.
 *
 * An index (ARM id -> secsol id) remembers every solution the connector created. A solution deleted in
 * secsol stays deleted: Delete acts in secsol only, and the connector does not bring it back. A solution
 * Azure stops listing is kept and marked (not deleted silently); it comes back to life if Azure lists it again.
 */
import { createHash } from 'node:crypto';
import type { Solution } from '../../domain/model.js';
import type { Logger } from '../../logger.js';
import type { IngestService } from '../../services/ingest-service.js';
import { slugify } from '../../services/solution-service.js';
import type { AuditRepository } from '../../storage/audit-repository.js';
import type { StorageContext } from '../../storage/context.js';
import type { SolutionRecord } from '../../storage/solution-record.js';
import type { SolutionRepository } from '../../storage/solution-repository.js';
import { alertTarget } from './alert-routing.js';
import {
  type AzureAlertSpec,
  type AzureSnapshot,
  type AzureSolutionSpec,
  defenderSpec,
  type MappingContext,
} from './azure-mapping.js';
import type { FactsWriter } from './facts-writer.js';

export const ACTOR = 'azure-connector';
/** Events per ingest call (what one API request may carry). */
const EVENT_CHUNK = 500;

export interface SyncDeps {
  ctx: StorageContext;
  solutions: SolutionRepository;
  audit: AuditRepository;
  ingest: Pick<IngestService, 'health' | 'events'>;
  facts: FactsWriter;
  mapping: MappingContext;
  /** Solutions that report every poll expect a report this often, with two missed polls of grace. */
  pollEvery: number;
  logger: Logger;
  now: () => number;
}

export interface SyncSummary {
  created: number;
  reports: number;
  unlisted: number;
  relisted: number;
  events: number;
  /** Listed by Azure but deleted in secsol: left alone. */
  deletedInSecsol: number;
}

type Known = { id: string; vendor: string; lifecycle: Solution['lifecycle'] };

/** A stable second id for a resource whose name's slug is taken: the slug, cut, plus a hash of its ARM id. */
function idCandidates(spec: AzureSolutionSpec): string[] {
  const base = slugify(spec.resourceName);
  const hash = createHash('sha256').update(spec.azureId.toLowerCase()).digest('hex').slice(0, 8);
  return [base, `${base.slice(0, 40).replace(/-+$/, '')}-${hash}`];
}

/**
 * The name Azure shows; then, for a second resource shown under the same name, the same told apart by its
 * resource group and resource name, and last by a hash of its ARM id.
 */
function nameCandidates(spec: AzureSolutionSpec): string[] {
  const hash = createHash('sha256').update(spec.azureId.toLowerCase()).digest('hex').slice(0, 8);
  const group = /\/resourceGroups\/([^/]+)/i.exec(spec.azureId)?.[1];
  const names = [
    spec.name,
    group ? `${spec.name} (${group}/${spec.resourceName})` : `${spec.name} (${spec.resourceName})`,
    `${spec.name} (${hash})`,
  ];
  return [...new Set(names)];
}

export async function syncSnapshot(snapshot: AzureSnapshot, deps: SyncDeps): Promise<SyncSummary> {
  const { ctx, solutions, facts, logger } = deps;
  const now = deps.now();
  const summary: SyncSummary = {
    created: 0,
    reports: 0,
    unlisted: 0,
    relisted: 0,
    events: 0,
    deletedInSecsol: 0,
  };

  const index = await ctx.redis.hgetall(ctx.keys.azureIndex);
  const ids = [...new Set(Object.values(index))];
  const loaded = ids.length > 0 ? await solutions.getMany(ids) : [];
  const records = new Map<string, SolutionRecord>();
  loaded.forEach((r, i) => {
    if (r && !(r instanceof Error)) records.set(ids[i] as string, r);
  });
  /** The record the connector created for this resource; 'deleted' once secsol deleted it. */
  const recordOf = (key: string): SolutionRecord | 'deleted' | null => {
    const id = index[key];
    if (id === undefined) return null;
    const rec = records.get(id);
    const ours = rec?.solution.source === 'azure' && rec.solution.azureId?.toLowerCase() === key;
    return rec && ours ? rec : 'deleted';
  };
  const known = new Map<string, Known>();
  for (const key of Object.keys(index)) {
    const rec = recordOf(key);
    if (rec && rec !== 'deleted') known.set(key, { ...rec.solution });
  }

  const audit = (action: string, id: string, detail: string) =>
    deps.audit.record({ at: now, actor: ACTOR, action, solutionId: id, outcome: 'applied', detail });

  async function create(spec: AzureSolutionSpec): Promise<Known | null> {
    const key = spec.azureId.toLowerCase();
    const names = nameCandidates(spec);
    let n = 0;
    for (const id of idCandidates(spec)) {
      for (;;) {
        const solution: Solution = {
          id,
          name: names[n] as string,
          vendor: spec.vendor,
          family: spec.family,
          source: 'azure',
          description: spec.description,
          consoleUrl: spec.consoleUrl,
          linkedResources: [],
          ...(spec.reportsHealth ? { every: deps.pollEvery, grace: 2 * deps.pollEvery } : {}),
          lifecycle: spec.lifecycle,
          createdAt: now,
          connectedAt: spec.lifecycle === 'connected' ? now : undefined,
          version: 1,
          azureId: spec.azureId,
        };
        // A CEF/ATA source is judged once its last event is written (below), not before.
        const due = spec.lifecycle === 'connected' && spec.lastEventAt === null ? now : null;
        const outcome = await solutions.create(solution, now, due);
        if (outcome === 'created') {
          // Another poller may have indexed the same resource a moment ago: the first index entry wins.
          if ((await ctx.redis.hsetnx(ctx.keys.azureIndex, key, id)) === 0) {
            await solutions.delete(id);
            return null;
          }
          await audit('solution.create', id, spec.azureId);
          summary.created += 1;
          return { id, vendor: spec.vendor, lifecycle: spec.lifecycle };
        }
        if (outcome === 'id-taken') break;
        // Names are unique: two resources Azure shows under one name are told apart by their own names.
        if (n + 1 >= names.length) {
          logger.warn({ azureId: spec.azureId }, 'Defender for Cloud connector: no free name for a resource');
          return null;
        }
        n += 1;
      }
      // Taken: by this very resource (created, then the process stopped before indexing it)? Adopt it.
      const existing = await solutions.get(id);
      if (existing?.solution.source === 'azure' && existing.solution.azureId?.toLowerCase() === key) {
        await ctx.redis.hsetnx(ctx.keys.azureIndex, key, id);
        return null; // picked up whole on the next poll
      }
    }
    logger.warn(
      { azureId: spec.azureId },
      'Defender for Cloud connector: no free solution id for a resource',
    );
    return null;
  }

  for (const spec of snapshot.solutions) {
    const key = spec.azureId.toLowerCase();
    const rec = recordOf(key);
    if (rec === 'deleted') {
      summary.deletedInSecsol += 1;
      continue;
    }
    const target = rec ? { ...rec.solution } : await create(spec);
    if (!target) continue;
    known.set(key, target);
    if (rec?.facts.unlistedAt) {
      await facts.update(target.id, { unlistedAt: '' }, now);
      await audit('azure.relisted', target.id, spec.azureId);
      summary.relisted += 1;
    }
    if (target.lifecycle !== 'connected') continue;
    if (spec.health) {
      await deps.ingest.health(target.id, spec.health);
      summary.reports += 1;
    }
    if (
      spec.lastEventAt !== null &&
      spec.lastEventAt > (rec?.facts.lastEventAt ?? Number.NEGATIVE_INFINITY)
    ) {
      await facts.update(target.id, { lastEventAt: String(spec.lastEventAt) }, now);
    }
  }

  // Unreadable items could be the "missing" ones: only a clean, complete read says what Azure dropped.
  const defenderKey = defenderSpec(deps.mapping).azureId.toLowerCase();
  if (snapshot.refused === 0) {
    for (const key of Object.keys(index)) {
      const rec = recordOf(key);
      if (snapshot.listed.has(key) || key === defenderKey || !rec || rec === 'deleted') continue;
      if (rec.facts.unlistedAt) continue;
      await facts.update(rec.solution.id, { unlistedAt: String(now) }, now);
      await audit('azure.unlisted', rec.solution.id, key);
      logger.info(
        { solutionId: rec.solution.id, azureId: key },
        'Defender for Cloud no longer lists a solution',
      );
      summary.unlisted += 1;
    }
  }

  summary.events = await deliverAlerts(snapshot.alerts, {
    known,
    defender: async () => {
      const rec = recordOf(defenderKey);
      if (rec === 'deleted') return null;
      const found = rec
        ? { ...rec.solution }
        : (known.get(defenderKey) ?? (await create(defenderSpec(deps.mapping))));
      if (found) known.set(defenderKey, found);
      return found;
    },
    defenderKey,
    deps,
  });
  return summary;
}

/** Alerts as security events, on the solution of their vendor or on "Microsoft Defender for Cloud". */
async function deliverAlerts(
  alerts: AzureAlertSpec[],
  opts: {
    known: Map<string, Known>;
    defender: () => Promise<Known | null>;
    defenderKey: string;
    deps: SyncDeps;
  },
): Promise<number> {
  if (alerts.length === 0) return 0;
  const candidates = [...opts.known.entries()]
    .filter(([key, k]) => key !== opts.defenderKey && k.lifecycle === 'connected')
    .map(([, k]) => k);
  const groups = new Map<string | null, AzureAlertSpec['event'][]>();
  for (const alert of alerts) {
    const target = alertTarget(alert.vendorName, candidates);
    groups.set(target, [...(groups.get(target) ?? []), alert.event]);
  }
  let accepted = 0;
  for (const [target, events] of groups) {
    const id = target ?? (await opts.defender())?.id;
    if (!id) {
      opts.deps.logger.debug(
        { count: events.length },
        'Defender for Cloud alerts dropped: their solution was deleted',
      );
      continue;
    }
    for (let i = 0; i < events.length; i += EVENT_CHUNK) {
      const result = await opts.deps.ingest.events(id, events.slice(i, i + EVENT_CHUNK));
      if (typeof result !== 'string' && 'accepted' in result) accepted += result.accepted;
    }
  }
  return accepted;
}
