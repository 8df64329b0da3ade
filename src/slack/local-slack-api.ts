/**
 * Local mode's Slack: when no Slack credentials are set, the app's Web API client points here. Every
 * call is answered like Slack would (so the code paths are the real ones), printed as readable text, and
 * kept in Redis (local-slack-store.ts) for `npm run slack` to list and click. The same server serves the
 * response_urls of the CLI's requests and the CLI's reads (local-slack-routes.ts). 127.0.0.1 only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'node:querystring';
import { handleLocalRoute } from './local-slack-routes.js';
import type { LocalSlackStore } from './local-slack-store.js';
import { blocksToText, mrkdwnToText, type TextStyle } from './render-text.js';

export interface LocalSlackApi {
  /** The Web API base, `http://127.0.0.1:<port>/api/`. */
  url: string;
  /** The server's origin: the only place local mode sends HTTP requests to. */
  origin: string;
  close(): Promise<void>;
}

type Args = Record<string, unknown>;
type Blocks = Record<string, unknown>[];

const BODY_LIMIT = 2 * 1024 * 1024;
/** Bold drawn as bold when a person watches the terminal. */
const STYLE: TextStyle = { ansi: process.stdout.isTTY === true && !process.env.NO_COLOR };

function parseArgs(body: string, contentType: string | undefined): Args {
  if (contentType?.startsWith('application/json')) return JSON.parse(body || '{}') as Args;
  const args: Args = {};
  for (const [k, v] of Object.entries(parse(body))) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value === undefined) continue;
    if (['blocks', 'view', 'metadata', 'attachments'].includes(k)) {
      try {
        args[k] = JSON.parse(value);
      } catch {
        args[k] = value;
      }
    } else args[k] = value;
  }
  return args;
}

const blocksOf = (v: unknown): Blocks => (Array.isArray(v) ? (v as Blocks) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : String(v));

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** One Web API call: its answer (without `ok`), after keeping what it changed. */
async function webApi(method: string, args: Args, store: LocalSlackStore, print: (t: string) => void) {
  const channel = str(args.channel);
  const show = (title: string, blocks: unknown, text: unknown) =>
    print(`[slack] ${title}\n${indent(blocksToText(blocks as unknown[], str(text), STYLE))}`);
  switch (method) {
    case 'auth.test':
      return {
        url: 'https://local.slack.invalid/',
        team: 'local',
        user: 'secsol',
        team_id: 'T0LOCAL',
        user_id: 'U0LOCALBOT',
        bot_id: 'B0LOCAL',
      };
    case 'chat.postMessage': {
      const thread = str(args.thread_ts) || undefined;
      const m = await store.post({
        channel,
        text: str(args.text),
        blocks: blocksOf(args.blocks),
        ...(thread ? { thread_ts: thread } : {}),
        ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
      });
      show(`message ${m.n} posted in #${channel}${thread ? ' (in a thread)' : ''}`, args.blocks, args.text);
      return { channel, ts: m.ts, message: { ts: m.ts, text: args.text } };
    }
    case 'chat.update': {
      const old = await store.byTs(channel, str(args.ts));
      if (!old) return { ok: false, error: 'message_not_found' };
      await store.replace({ ...old, text: str(args.text), blocks: blocksOf(args.blocks), edited: true });
      show(`message ${old.n} in #${channel} updated`, args.blocks, args.text);
      return { channel, ts: args.ts, text: args.text };
    }
    case 'chat.delete': {
      const old = await store.byTs(channel, str(args.ts));
      if (old) await store.replace({ ...old, deleted: true, blocks: [], text: '' });
      print(`[slack] message ${old?.n ?? str(args.ts)} in #${channel} deleted`);
      return { channel, ts: args.ts };
    }
    case 'chat.postEphemeral': {
      const user = str(args.user);
      const ts = await store.postEphemeral(user, {
        channel,
        text: str(args.text),
        blocks: blocksOf(args.blocks),
      });
      show(`only @${user} sees, in #${channel}`, args.blocks, args.text);
      return { message_ts: ts };
    }
    case 'views.open':
    case 'views.push':
    case 'views.update':
    case 'views.publish': {
      const view = (args.view ?? {}) as Args & { title?: { text?: string } };
      const user =
        method === 'views.publish'
          ? str(args.user_id)
          : method === 'views.update'
            ? ((await store.viewOwner(str(args.view_id))) ?? '')
            : ((await store.triggerUser(str(args.trigger_id))) ?? '');
      const id =
        method === 'views.update' && args.view_id ? str(args.view_id) : `V0LOCAL${Date.now().toString(36)}`;
      const stored = { id, hash: String(Date.now()), user, view };
      if (method === 'views.publish') await store.publishHome(stored);
      else if (user) await store.openView(stored);
      const title =
        method === 'views.publish'
          ? `App Home of @${user}`
          : `modal for @${user || '?'}: ${view.title?.text ?? ''}`;
      show(`${method} — ${title}`, view.blocks, '');
      return { view: { ...view, id, hash: stored.hash } };
    }
    case 'conversations.history': {
      const all = await store.recent(channel);
      return {
        messages: all
          .filter((m) => !m.thread_ts && !m.deleted)
          .reverse()
          .map((m) => ({ ts: m.ts, text: m.text, metadata: m.metadata })),
        has_more: false,
      };
    }
    case 'conversations.replies': {
      const all = await store.recent(channel);
      return {
        messages: all
          .filter((m) => !m.deleted && (m.thread_ts === args.ts || m.ts === args.ts))
          .map((m) => ({ ts: m.ts, text: m.text, metadata: m.metadata })),
        has_more: false,
      };
    }
    case 'usergroups.users.list':
      return { users: [] };
    case 'users.info':
      return { user: { id: args.user, name: str(args.user), real_name: str(args.user) } };
    case 'conversations.info':
      return { channel: { id: channel, name: channel.toLowerCase(), is_member: true } };
    default:
      print(`[slack] ${method} ${mrkdwnToText(JSON.stringify(args)).slice(0, 500)}`);
      return {};
  }
}

export async function startLocalSlackApi(
  store: LocalSlackStore,
  print: (text: string) => void,
): Promise<LocalSlackApi> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '').split('?')[0] ?? '';
      const send = (status: number, payload: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      const work = path.startsWith('/api/')
        ? (async () => {
            let args: Args = {};
            try {
              args = parseArgs(body, req.headers['content-type']);
            } catch {
              args = {};
            }
            send(200, { ok: true, ...(await webApi(path.slice(5), args, store, print)) });
          })()
        : handleLocalRoute(
            { method: req.method ?? 'GET', url: req.url ?? '/', body },
            store,
            origin,
            print,
          ).then((r) => send(r.status, r.body));
      work.catch((err: unknown) => send(500, { ok: false, error: (err as Error).message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/api/`,
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
