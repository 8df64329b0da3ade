/**
 * Every Redis key secsol uses, built in this one place under the configured prefix.
 *
 * All keys share one hash tag (`{prefix}`), so on Redis Cluster they live in one slot and the Lua
 * scripts that touch several of them stay legal. BullMQ's queues use the same tag as their prefix.
 */
export type Keys = ReturnType<typeof buildKeys>;

export function buildKeys(prefix: string) {
  const p = `{${prefix}}`;
  return {
    prefix: p,
    /** BullMQ's prefix: queue keys become `{prefix}:q:<queue>:…`, in the same slot. */
    bullPrefix: `${p}:q`,
    /** SET of every solution id (connected, discovered and dismissed). */
    solutions: `${p}:solutions`,
    /**
     * SET of every solution id ever created, deleted ones included: an id names one incarnation of a
     * solution and is never handed out again (flips, outbox items, jobs, buttons and enrollments carry it).
     */
    usedIds: `${p}:used-ids`,
    /** HASH: a solution name's key (storage/solution-names.ts) -> the id of the solution holding it. */
    names: `${p}:names`,
    /** STRING: set once every solution that predates the used-id set and the name index is in them. */
    identitiesBuilt: `${p}:identities:built`,
    /** HASH: a solution's configuration and its health facts. */
    solution: (id: string) => `${p}:sol:${id}`,
    /** STRING: sha256(token) -> solution id. */
    token: (hash: string) => `${p}:token:${hash}`,
    /** LIST of JSON health reports, newest first, capped by count and by bytes (solution's healthBytes). */
    healthHistory: (id: string) => `${p}:health:${id}`,
    /** LIST of JSON security events, newest first, capped by count and by bytes (solution's eventBytes). */
    events: (id: string) => `${p}:events:${id}`,
    /** HASH: events dropped from the stored lists, every solution together, 'dropped:<reason>' (for /metrics). */
    eventStats: `${p}:event-stats`,
    /** ZSET event id -> receive time: the dedup window for event ids, capped. */
    eventIds: (id: string) => `${p}:event-ids:${id}`,
    /** LIST of flip ids for one solution, newest first, capped. */
    solutionFlips: (id: string) => `${p}:flips:${id}`,
    /** HASH: one flip and its delivery record. */
    flip: (flipId: string) => `${p}:flip:${flipId}`,
    /**
     * ZSET, every member at score 0, in lexicographic order: the status read model. `<rank>:<id>` per
     * connected solution in its committed state (rank = STATE_ORDER, worst first), `d:<id>` per discovered
     * one. Written with every state change in the same script (storage/status-index.ts).
     */
    statusIndex: `${p}:status-index`,
    /** SET of the ids of solutions with a snooze recorded (App Home's "My snoozes" reads only these). */
    snoozed: `${p}:snoozed`,
    /** STRING: set once every solution that predates the read model has been put in it. */
    statusIndexBuilt: `${p}:status-index:built`,
    /** ZSET solution id -> the instant its state may next change (the evaluator's work list). */
    deadlines: `${p}:deadlines`,
    /** STRING: the default health policy the deadlines were computed with (re-scored when it changes). */
    deadlinePolicy: `${p}:deadline-policy`,
    /** HASH: delivery items that reached a final state, per `<kind>:<state>` (for /metrics). */
    deliveryStats: `${p}:delivery-stats`,
    /** ZSET flip id -> time: flips not yet delivered (the flips' outbox, written with the flip). */
    outbox: `${p}:outbox`,
    /** ZSET item id -> time: items of one other delivery kind not yet delivered (outbox/kinds.ts). */
    kindOutbox: (kind: string) => `${p}:outbox-kind:${kind}`,
    /** ZSET flip id -> time, per channel: the flips waiting for that channel (the digest's backlog). */
    channelOutbox: (channel: string) => `${p}:outbox:${channel}`,
    /** STRING with PX: the edit item already waiting for one message (edits of a message coalesce). */
    pendingEdit: (message: string) => `${p}:pending-edit:${message}`,
    /** HASH: a digest message standing for many flips in one channel. */
    digest: (digestId: string) => `${p}:digest:${digestId}`,
    /** LIST of the flip ids a digest stands for, in join order. */
    digestMembers: (digestId: string) => `${p}:digest:${digestId}:members`,
    /** STRING: the channel's digest that still absorbs new flips. */
    openDigest: (channel: string) => `${p}:open-digest:${channel}`,
    /** STRING with PX: when the channel may next receive a message (Slack allows ~1/s per channel). */
    channelPace: (channel: string) => `${p}:pace:${channel}`,
    /** STRING with PX: an alert is waiting for the channel's lease; approval requests give way meanwhile. */
    channelAlertWaiting: (channel: string) => `${p}:pace-alert:${channel}`,
    /** HASH: an event batch waiting to be posted. */
    eventBatch: (batchId: string) => `${p}:event-batch:${batchId}`,
    /** STRING with PX: the id of a solution's event batch still taking new events (one waits at a time). */
    openEventBatch: (solutionId: string) => `${p}:open-event-batch:${solutionId}`,
    /** ZSET incident flip id -> when to remind the channel that it is still open and unacknowledged. */
    reminders: `${p}:reminders`,
    /** HASH: a reminder waiting to be posted in an incident's thread. */
    reminder: (reminderId: string) => `${p}:reminder:${reminderId}`,
    /** ZSET incident flip id -> when it is escalated if still unacknowledged (docs/contract.md §10.2). */
    escalations: `${p}:escalations`,
    /** HASH: an escalation waiting to be posted. */
    escalation: (itemId: string) => `${p}:escalation:${itemId}`,
    /** HASH: a maintenance window (docs/contract.md §10.1). */
    maintenance: (windowId: string) => `${p}:mnt:${windowId}`,
    /** ZSET window id -> when it stops applying for good (its end; +inf for a recurring one). */
    maintenanceWindows: `${p}:mnt-windows`,
    /** ZSET "<window id>|<occurrence start>" -> when that occurrence ends: the releases to make. */
    maintenanceEnds: `${p}:mnt-ends`,
    /** SET of the solutions whose alerts one occurrence ("<window id>|<start>") held. */
    maintenanceHeld: (occurrence: string) => `${p}:mnt-held:${occurrence}`,
    /** HASH: a held solution's release alert ("still bad after maintenance") waiting to be posted. */
    maintenanceRelease: (itemId: string) => `${p}:mnt-release:${itemId}`,
    /** HASH: an edit of a message secsol posted, waiting to be made (re-rendered when it runs). */
    messageEdit: (editId: string) => `${p}:edit:${editId}`,
    /** HASH: an operator notice (e.g. evaluation resumed late) waiting to be posted. */
    opsNotice: (noticeId: string) => `${p}:ops:${noticeId}`,
    /** HASH: a note in an incident's thread (who snoozed or lifted a snooze) waiting to be posted. */
    incidentNote: (noteId: string) => `${p}:note:${noteId}`,
    /** STRING: a test-only fault that already fired. */
    faultFired: (name: string) => `${p}:fault:${name}`,
    /** HASH: an enrollment request. */
    enrollment: (enrollmentId: string) => `${p}:enroll:${enrollmentId}`,
    /** SET of the enrollment ids of one solution (finds its pending request). */
    solutionEnrollments: (id: string) => `${p}:sol-enrollments:${id}`,
    /** ZSET enrollment id -> createdAt: the requests waiting for a decision (counted to cap them). */
    pendingEnrollments: `${p}:enroll-pending`,
    /** STRING: set once the requests that predate the pending set are in it. */
    pendingEnrollmentsBuilt: `${p}:enroll-pending:built`,
    /** STREAM of audit records (fields: `entry` = JSON), capped; and one per solution. */
    audit: `${p}:auditlog`,
    solutionAudit: (id: string) => `${p}:auditlog:${id}`,
    /** LIST of JSON delivery errors (permanent Slack failures), newest first, capped. */
    deliveryErrors: `${p}:delivery-errors`,
    /** STRING: the last time any worker finished an evaluation tick. */
    heartbeat: `${p}:worker:heartbeat`,
    /** STRING: the last time a web process could receive reports (its heartbeat). */
    ingestHeartbeat: `${p}:ingest:heartbeat`,
    /** STRING: since when reports could be received without a gap (the start of the startup grace). */
    ingestUpSince: `${p}:ingest:up-since`,
    /** HASH: a connector's health (last success, error count, failing since, last error). */
    connector: (name: string) => `${p}:connector:${name}`,
    /** STRING: the last time a connector read its source successfully (its heartbeat). */
    connectorHeartbeat: (name: string) => `${p}:connector:${name}:heartbeat`,
    /** STRING: since when a connector has read its source without a gap (the start of its grace). */
    connectorUpSince: (name: string) => `${p}:connector:${name}:up-since`,
    /** HASH: Azure resource id (lower case) -> solution id, for every solution the connector ever created. */
    azureIndex: `${p}:azure:index`,
    /** STRING with TTL: per-token request counter for one rate window. */
    rate: (subject: string, window: number) => `${p}:rate:${subject}:${window}`,
    /** STRING with TTL: a Slack event id already handled (Slack retries deliveries). */
    slackEventSeen: (eventId: string) => `${p}:slack-event:${eventId}`,
    /** HASH: a counter per id, to hand out sequential ids. */
    sequences: `${p}:seq`,
    // --- continuous export (src/export/) -----------------------------------------------------------
    /** LIST of JSON export entries (flips and events) waiting for the SIEM, oldest first, per solution. */
    exportList: (id: string) => `${p}:export:${id}`,
    /** ZSET solution id -> when its export list next needs a sender (the sweep re-queues lost jobs). */
    exportPending: `${p}:export-pending`,
    /** HASH: the retry state of the head of a solution's export list (id, attempts, nextAt, lastError). */
    exportRetry: (id: string) => `${p}:export-retry:${id}`,
    /** STRING with PX: one export sender per solution at a time, across all workers. */
    exportLease: (id: string) => `${p}:export-lease:${id}`,
    /** ZSET message id -> when it failed for good: export messages an operator can send again. */
    exportFailed: `${p}:export-failed`,
    /** STRING with TTL: a failed export message kept for re-drive ({ entry, error, at }). */
    exportFailedEntry: (messageId: string) => `${p}:export-failed:${messageId}`,
    /** HASH: export totals across every worker (delivered, failed). */
    exportStats: `${p}:export-stats`,
  };
}
