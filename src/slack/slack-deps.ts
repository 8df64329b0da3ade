/** What Slack listeners may use: services and repositories, never Redis or the queue directly. */
import type { Config } from '../config/config.js';
import type { ConnectorState } from '../connector/azure/connector-state.js';
import type { HealthPolicy } from '../domain/health.js';
import type { Logger } from '../logger.js';
import type { SolutionService } from '../services/solution-service.js';
import type { AuditRepository } from '../storage/audit-repository.js';
import type { StorageContext } from '../storage/context.js';
import type { DeliveryRepository } from '../storage/delivery-repository.js';
import type { EnrollmentRepository } from '../storage/enrollment-repository.js';
import type { FlipRepository } from '../storage/flip-repository.js';
import type { ReportRepository } from '../storage/report-repository.js';
import type { SolutionRepository } from '../storage/solution-repository.js';
import type { Approvers } from './approvers.js';

export interface SlackDeps {
  config: Config;
  ctx: StorageContext;
  solutions: SolutionRepository;
  flips: FlipRepository;
  reports: ReportRepository;
  audit: AuditRepository;
  delivery: DeliveryRepository;
  enrollments: EnrollmentRepository;
  service: SolutionService;
  defaults: HealthPolicy;
  defaultChannel: string;
  approvers: Approvers;
  /** Since when reports could be received (the startup grace of the health rules). */
  reportingSince?: (now: number) => Promise<number | undefined>;
  /** Since when the Defender for Cloud connector has read Azure without a gap (its grace); none when off. */
  azureSince?: (now: number) => Promise<number | undefined>;
  /** The Defender for Cloud connector's own health (App Home); absent when it is off. */
  azureState?: Pick<ConnectorState, 'status'>;
  /** The workspace this app is installed in (from auth.test at start): requests from others are dropped. */
  teamId?: string;
  logger: Logger;
  now: () => number;
}
