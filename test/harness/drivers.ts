/**
 * secsol driven the way its users drive it, in their words: an operator creates a solution or approves an
 * enrollment (the admin API), a solution reports or goes quiet (the ingestion API), someone in Slack runs
 * `/secsol …` or clicks Acknowledge (signed requests to /slack/events, answered through the fake Slack).
 * Tests that use these never depend on how secsol stores things, only on what it does.
 *
 * Time passes for real, on the test profile's short cadences (every 2 s, grace 1 s unless a test sets
 * them): a verb that waits (`stopReporting`, `openIncident`) waits on what can be seen from outside.
 */
import { expect } from 'vitest';
import { ACTION } from '../../src/slack/action-values.js';
import {
  ADMIN_TOKEN,
  ALERT_CHANNEL,
  APPROVAL_CHANNEL,
  call,
  ENROLLMENT_KEY,
  SIGNING_SECRET,
  type TestApp,
} from './app.js';
import type { FakeSlack, SlackCall } from './fake-slack.js';
import {
  type Alert,
  type ApprovalRequest,
  findElement,
  type PostedMessage,
  repliesTo,
  solutionIdOf,
  topLevelPosts,
  updatesOf,
} from './slack-expectations.js';
import { type ClickOptions, click, type SubmitOptions, submit } from './slack-requests.js';
import { type SendSignedResult, sendSigned, slashCommandBody } from './slack-signer.js';
import { waitUntil } from './wait.js';

export type { Alert, ApprovalRequest, PostedMessage } from './slack-expectations.js';
export { buttonValue } from './slack-expectations.js';

export interface SolutionRef {
  id: string;
  token: string;
}

type Health = 'healthy' | 'unhealthy';
type Waiting = { timeoutMs?: number };
export class Secsol {
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly app: TestApp,
    readonly fake: FakeSlack,
  ) {}

  // ---- an operator, through the admin and enrollment APIs -----------------------------------------

  /** Any API call, as JSON with a bearer token. */
  api(method: string, path: string, opts: Parameters<typeof call>[2] = {}) {
    return call(`${this.app.url}${path}`, method, opts);
  }

  admin(method: string, path: string, body?: unknown) {
    return this.api(method, path, { token: ADMIN_TOKEN, body });
  }

  /** The enrollment API, with the enrollment key. */
  enrollmentApi(method: string, path: string, body?: unknown) {
    return this.api(method, path, { token: ENROLLMENT_KEY, body });
  }

  /** A connected solution, created through the admin API; its token is remembered for `report`. */
  async createSolution(name: string, fields: Record<string, unknown> = {}): Promise<SolutionRef> {
    const res = await this.admin('POST', '/api/v1/solutions', { name, vendor: 'Vendor', ...fields });
    expect(res.status).toBe(201);
    const created = res.body as SolutionRef;
    this.tokens.set(created.id, created.token);
    return created;
  }

  /** The solution as the admin API shows it, with its latest flips (newest first). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read the API's JSON field by field.
  async solution(id: string): Promise<any> {
    const res = await this.admin('GET', `/api/v1/solutions/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  async stateOf(id: string): Promise<string> {
    return (await this.solution(id)).state as string;
  }

  /** A solution asks to be connected (the enrollment API); returns its enrollment id. */
  async enroll(name: string, fields: Record<string, unknown> = {}): Promise<string> {
    const res = await this.enrollmentApi('POST', '/api/v1/enroll', { name, vendor: 'Vendor', ...fields });
    expect(res.status).toBe(202);
    return res.body.enrollmentId as string;
  }

  /** What the enrolling solution sees when it polls: pending, or approved with its token (once). */
  pollEnrollment(enrollmentId: string) {
    return this.enrollmentApi('GET', `/api/v1/enroll/${enrollmentId}`);
  }

  approveEnrollment(enrollmentId: string) {
    return this.admin('POST', `/api/v1/enroll/${enrollmentId}/approve`);
  }

  // ---- a solution, through the ingestion API ------------------------------------------------------

  private tokenOf(solution: SolutionRef | string): { id: string; token: string } {
    if (typeof solution !== 'string') return solution;
    const token = this.tokens.get(solution);
    if (!token) throw new Error(`no token for ${solution}: create it with createSolution or pass its token`);
    return { id: solution, token };
  }

  /** A health report; the answer is returned as it came. */
  report(solution: SolutionRef | string, status: Health, message?: string) {
    return this.postHealth(solution, { status, message });
  }

  postHealth(solution: SolutionRef | string, body: unknown) {
    const { id, token } = this.tokenOf(solution);
    return this.api('POST', `/api/v1/solutions/${id}/health`, { token, body });
  }

  postEvents(solution: SolutionRef | string, body: unknown) {
    const { id, token } = this.tokenOf(solution);
    return this.api('POST', `/api/v1/solutions/${id}/events`, { token, body });
  }

  /** Reports healthy and waits until the worker has judged it so (its first flip, to healthy). */
  async becomeHealthy(solution: SolutionRef | string): Promise<void> {
    const { id } = this.tokenOf(solution);
    expect((await this.report(solution, 'healthy')).status).toBe(202);
    await waitUntil(async () => (await this.solution(id)).flips[0]?.to === 'healthy');
  }

  /** Healthy first (judged so by the worker), then unhealthy: one incident. */
  async startIncident(solution: SolutionRef | string, message?: string): Promise<void> {
    await this.becomeHealthy(solution);
    expect((await this.report(solution, 'unhealthy', message)).status).toBe(202);
  }

  /** An incident started (`startIncident`), and its alert once it is posted. */
  async openIncident(solution: SolutionRef | string, message?: string, opts: Waiting = {}): Promise<Alert> {
    await this.startIncident(solution, message);
    return this.alertFor(this.tokenOf(solution).id, opts);
  }

  /**
   * The solution sends nothing more: once its cadence and grace have passed it is stopped reporting, and
   * the alert is posted. Returns that alert.
   */
  stopReporting(solution: SolutionRef | string, opts: Waiting = {}): Promise<Alert> {
    return this.alertFor(this.tokenOf(solution).id, opts);
  }

  // ---- Slack, as the fake Slack saw it ------------------------------------------------------------

  /**
   * The incident message about a solution in the alert channel, once it is posted and its delivery is
   * recorded (so that a click on it finds the open incident).
   */
  async alertFor(solutionId: string, opts: Waiting & { channel?: string } = {}): Promise<Alert> {
    const channel = opts.channel ?? ALERT_CHANNEL;
    const [post] = (await this.fake.waitFor(
      (c) => topLevelPosts(channel)(c) && solutionIdOf(c) === solutionId && c.status === 200,
      { timeoutMs: opts.timeoutMs },
    )) as [SlackCall];
    const ts = (post.response as { ts: string }).ts;
    const flipId = (post.args.metadata as { event_payload: { delivery_id: string } }).event_payload
      .delivery_id;
    await waitUntil(async () =>
      (await this.solution(solutionId)).flips.some(
        (f: { id: string; delivery: string }) => f.id === flipId && f.delivery === 'sent',
      ),
    );
    return { channel, ts, call: post, solutionId };
  }

  /** Waits for an edit of the message (one whose text matches `text`, if given); returns all so far. */
  waitForUpdate(message: PostedMessage, text?: RegExp, opts: Waiting & { count?: number } = {}) {
    return this.fake.waitFor(
      (c) => updatesOf(message.ts)(c) && (!text || text.test(String(c.args.text))),
      opts,
    );
  }

  /** Waits for a reply in the message's thread (one whose text matches `text`, if given). */
  waitForReply(message: PostedMessage, text?: RegExp, opts: Waiting & { count?: number } = {}) {
    return this.fake.waitFor(repliesTo(message.ts, text), opts);
  }

  /** The connection request for an enrollment, once it is in the approval channel. */
  async approvalRequest(enrollmentId: string): Promise<ApprovalRequest> {
    const [post] = (await this.fake.waitFor(
      (c) =>
        topLevelPosts(APPROVAL_CHANNEL)(c) &&
        c.status === 200 &&
        JSON.stringify(c.args.blocks).includes(enrollmentId),
    )) as [SlackCall];
    return { channel: APPROVAL_CHANNEL, ts: (post.response as { ts: string }).ts, call: post, enrollmentId };
  }

  // ---- someone in Slack ---------------------------------------------------------------------------

  /** Types a slash command (`/secsol status`) in a channel; the answer comes in the ack or on `responseUrl`. */
  async runCommand(
    commandLine: string,
    opts: { user?: string; channel?: string; responseUrl?: string } = {},
  ): Promise<SendSignedResult & { responseUrl: string }> {
    const [command = '', ...words] = commandLine.trim().split(/\s+/);
    const channel = opts.channel ?? 'C0CMD';
    const user = opts.user ?? 'U0USER';
    const responseUrl = opts.responseUrl ?? this.fake.newResponseUrl({ channel, user });
    const body = slashCommandBody({
      command,
      text: words.join(' '),
      user_id: user,
      channel_id: channel,
      response_url: responseUrl,
    });
    const res = await sendSigned(`${this.app.url}/slack/events`, body, { secret: SIGNING_SECRET });
    return { ...res, responseUrl };
  }

  /** A click as Slack sends it, described field by field (see ClickOptions). */
  click(o: ClickOptions): Promise<SendSignedResult> {
    return click(this.app, o);
  }

  /** A modal saved, as Slack sends it (see SubmitOptions). */
  submit(o: SubmitOptions): Promise<SendSignedResult> {
    return submit(this.app, o);
  }

  /** Clicks the button `actionId` of a message the app posted, with the value it carries. */
  clickButton(message: PostedMessage, actionId: string, user: string, over: Partial<ClickOptions> = {}) {
    const { element, blockId } = findElement(message, actionId);
    return this.click({
      actionId,
      value: element.value,
      user,
      channel: message.channel,
      messageTs: message.ts,
      blockId,
      ...over,
    });
  }

  clickAcknowledge(alert: Alert, user: string, over: Partial<ClickOptions> = {}) {
    return this.clickButton(alert, ACTION.ack, user, over);
  }

  /** Picks "Snooze <duration>" (1h, 4h, 24h or recovered) in the alert's menu. */
  snooze(alert: Alert, user: string, duration: string) {
    const { element, blockId } = findElement(alert, ACTION.snooze);
    const option = element.options?.find((o) => (JSON.parse(o.value) as { d?: string }).d === duration);
    if (!option) throw new Error(`the alert offers no snooze for ${duration}`);
    return this.click({
      actionId: ACTION.snooze,
      selected: option.value,
      user,
      channel: alert.channel,
      messageTs: alert.ts,
      blockId,
    });
  }

  clickApprove(request: ApprovalRequest, user: string, over: Partial<ClickOptions> = {}) {
    return this.clickButton(request, ACTION.approve, user, over);
  }

  clickDeny(request: ApprovalRequest, user: string, over: Partial<ClickOptions> = {}) {
    return this.clickButton(request, ACTION.deny, user, over);
  }

  // ---- what no endpoint shows ---------------------------------------------------------------------

  /** Open incidents waiting for their next reminder. */
  pendingReminders(): Promise<number> {
    return this.app.ctx.redis.zcard(this.app.ctx.keys.reminders);
  }
}
