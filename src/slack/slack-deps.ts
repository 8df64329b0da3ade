/** What Slack listeners may use: services, never repositories, Redis or the queue. */
import type { Config } from '../config/config.js';
import type { ConnectorState } from '../connector/azure/connector-state.js';
import type { HealthPolicy } from '../domain/health.js';
import type { ExportSummary } from '../export/export-repository.js';
import type { Logger } from '../logger.js';
import type { AvailabilityService } from '../services/availability-service.js';
import type { ConnectionRequests } from '../services/connection-requests.js';
import type { DeliveryService } from '../services/delivery-service.js';
import type { IncidentService } from '../services/incident-service.js';
import type { MaintenanceService } from '../services/maintenance-service.js';
import type { SolutionService } from '../services/solution-service.js';
import type { StatusService } from '../services/status-service.js';
import type { Approvers } from './approvers.js';

export interface SlackDeps {
  config: Config;
  /** Solution lifecycle: connect, decide, configure, delete (audited). */
  solutions: SolutionService;
  /** Connection requests: Approve, Deny and Connect. */
  requests: ConnectionRequests;
  /** The read model: one solution, the status, a solution's detail, history and activity. */
  status: StatusService;
  /** Acknowledge, snooze, unsnooze; the open incident a click refers to. */
  incidents: IncidentService;
  /** 7- and 30-day availability (view, App Home); absent in tests that do not need it. */
  availability?: AvailabilityService;
  /** Maintenance windows (`/secsol maintenance`, overlays); absent in tests that do not need it. */
  maintenance?: MaintenanceService;
  /** Failed deliveries (App Home). */
  deliveries: DeliveryService;
  /** Events API redeliveries are recognised by event id. */
  slackEvents: { firstDelivery(eventId: string): Promise<boolean> };
  defaults: HealthPolicy;
  defaultChannel: string;
  approvers: Approvers;
  /** Who may snooze and unsnooze; absent: anyone in the channel. */
  snoozers?: Approvers;
  /** The Defender for Cloud connector's own health (App Home); absent when it is off. */
  azureState?: Pick<ConnectorState, 'status'>;
  /** The workspace this app is installed in (from auth.test at start): requests from others are dropped. */
  teamId?: string;
  /** This app's id (SLACK_APP_ID): requests for another app are dropped. */
  appId?: string;
  /** Continuous export's totals for App Home; absent when export is off. */
  exportSummary?: () => Promise<ExportSummary>;
  logger: Logger;
  now: () => number;
}
