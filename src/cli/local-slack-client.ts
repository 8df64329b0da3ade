/**
 * `npm run slack`'s reads from local mode's loopback Slack (src/slack/local-slack-routes.ts): the channel
 * messages, modals and App Home secsol "sent", and the response_urls of its requests. secsol writes the
 * loopback Slack's address to `.secsol/local-slack-url` when it starts in local mode.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CliError } from './cli-settings.js';

export const SLACK_URL_FILE = '.secsol/local-slack-url';

const block = z.record(z.string(), z.unknown());
export const localMessageSchema = z.object({
  n: z.number(),
  ts: z.string(),
  channel: z.string(),
  text: z.string(),
  blocks: z.array(block),
  thread_ts: z.string().optional(),
  edited: z.boolean().optional(),
  deleted: z.boolean().optional(),
});
export type LocalMessage = z.infer<typeof localMessageSchema>;

export const localViewSchema = z.object({ id: z.string(), hash: z.string(), user: z.string(), view: block });
export type LocalView = z.infer<typeof localViewSchema>;

const ok = z.object({ ok: z.literal(true) });

export class LocalSlack {
  private constructor(readonly origin: string) {}

  static fromEnv(env: NodeJS.ProcessEnv): LocalSlack {
    let origin = env.SECSOL_LOCAL_SLACK_URL?.trim();
    if (!origin) {
      try {
        origin = readFileSync(SLACK_URL_FILE, 'utf8').trim();
      } catch {
        throw new CliError(
          `${SLACK_URL_FILE} is missing here (${process.cwd()}): start secsol without Slack credentials ` +
            '(npm start) in this directory first; in local mode it writes that file.',
        );
      }
    }
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(origin))
      throw new CliError(`${SLACK_URL_FILE} is not a loopback URL`);
    return new LocalSlack(origin);
  }

  private async call<T>(schema: z.ZodType<T>, path: string, init: RequestInit = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.origin}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
    } catch {
      throw new CliError(
        `local mode's Slack at ${this.origin} does not answer: is secsol still running? (restart it, it writes a new ${SLACK_URL_FILE})`,
      );
    }
    const parsed = ok.and(schema).safeParse(await res.json().catch(() => null));
    if (!parsed.success)
      throw new CliError(`local mode's Slack answered ${path} unexpectedly (HTTP ${res.status})`);
    return parsed.data;
  }

  private post<T>(schema: z.ZodType<T>, path: string, body: unknown): Promise<T> {
    return this.call(schema, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** A response_url for one request; `original` is the channel message clicked, if any. */
  async responseUrl(original: { channel: string; ts: string } | null): Promise<{ id: string; url: string }> {
    return this.post(z.object({ id: z.string(), url: z.string() }), '/local/response-urls', { original });
  }

  async responses(id: string): Promise<Record<string, unknown>[]> {
    return (await this.call(z.object({ posts: z.array(block) }), `/local/responses/${id}`)).posts;
  }

  async registerTrigger(triggerId: string, user: string): Promise<void> {
    await this.post(z.object({}), '/local/triggers', { trigger_id: triggerId, user });
  }

  async messages(channel: string, limit: number): Promise<LocalMessage[]> {
    const q = new URLSearchParams({ channel, limit: String(limit) });
    return (await this.call(z.object({ messages: z.array(localMessageSchema) }), `/local/messages?${q}`))
      .messages;
  }

  async state(channel: string, user: string): Promise<{ lastMessage: number; lastEphemeral: number }> {
    const q = new URLSearchParams({ channel, user });
    return this.call(z.object({ lastMessage: z.number(), lastEphemeral: z.number() }), `/local/state?${q}`);
  }

  async ephemeralSince(user: string, after: number): Promise<LocalMessage[]> {
    const q = new URLSearchParams({ user, after: String(after) });
    return (await this.call(z.object({ messages: z.array(localMessageSchema) }), `/local/ephemeral?${q}`))
      .messages;
  }

  async modal(user: string): Promise<LocalView | null> {
    const q = new URLSearchParams({ user });
    return (await this.call(z.object({ view: localViewSchema.nullable() }), `/local/modal?${q}`)).view;
  }

  async closeModal(user: string): Promise<void> {
    await this.call(z.object({}), `/local/modal?${new URLSearchParams({ user })}`, { method: 'DELETE' });
  }

  async home(user: string): Promise<LocalView | null> {
    const q = new URLSearchParams({ user });
    return (await this.call(z.object({ view: localViewSchema.nullable() }), `/local/home?${q}`)).view;
  }
}
