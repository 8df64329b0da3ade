/** What delivers each kind of the registry (kinds.ts): a kind without a handler does not compile. */
import type { ItemOf, Kind } from '../kinds.js';
import type { Handler } from '../pipeline.js';
import { approvalEditHandler } from './approval-edit-handler.js';
import { approvalHandler } from './approval-handler.js';
import { digestHandler } from './digest-handler.js';
import { escalationHandler } from './escalation-handler.js';
import { eventBatchHandler } from './event-batch-handler.js';
import { flipHandler } from './flip-handler.js';
import { incidentEditHandler } from './incident-edit-handler.js';
import { incidentNoteHandler } from './incident-note-handler.js';
import { maintenanceReleaseHandler } from './maintenance-release-handler.js';
import { opsHandler } from './ops-handler.js';
import { reminderHandler } from './reminder-handler.js';

export const HANDLERS: { [K in Kind]: Handler<ItemOf<K>> } = {
  flip: flipHandler,
  digest: digestHandler,
  'event-batch': eventBatchHandler,
  approval: approvalHandler,
  'approval-edit': approvalEditHandler,
  'incident-edit': incidentEditHandler,
  'incident-note': incidentNoteHandler,
  ops: opsHandler,
  reminder: reminderHandler,
  escalation: escalationHandler,
  'maintenance-release': maintenanceReleaseHandler,
};
