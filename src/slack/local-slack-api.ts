/**
 * Local mode's Slack: when no Slack credentials are set, the app's Web API client points here. Every
 * call is answered like Slack would (so the code paths are the real ones) and printed as readable text.
 * It listens on 127.0.0.1 only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'node:querystring';
import { blocksToText, mrkdwnToText } from './render-text.js';

interface Stored {
  ts: string;
  channel: string;
  text: string;
  thread_ts?: string;
  metadata?: unknown;
}

export interface LocalSlackApi {
  url: string;
  close(): Promise<void>;
}

function parseArgs(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith('application/json')) return JSON.parse(body || '{}') as Record<string, unknown>;
  const args: Record<string, unknown> = {};
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

export async function startLocalSlackApi(print: (text: string) => void): Promise<LocalSlackApi> {
  const messages: Stored[] = [];
  let seq = 0;
  let viewSeq = 0;
  const nextTs = () => {
    seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      let args: Record<string, unknown> = {};
      try {
        args = parseArgs(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']);
      } catch {
        args = {};
      }
      const reply = (body: Record<string, unknown>) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ...body }));
      };
      const channel = String(args.channel ?? '');
      const show = (title: string, blocks: unknown, text: unknown) =>
        print(`[slack] ${title}\n${indent(blocksToText(blocks as unknown[], String(text ?? '')))}`);
      switch (method) {
        case 'auth.test':
          return reply({
            url: 'https://local.slack.invalid/',
            team: 'local',
            user: 'secsol',
            team_id: 'T0LOCAL',
            user_id: 'U0LOCALBOT',
            bot_id: 'B0LOCAL',
          });
        case 'chat.postMessage': {
          const ts = nextTs();
          messages.push({
            ts,
            channel,
            text: String(args.text ?? ''),
            thread_ts: args.thread_ts as string,
            metadata: args.metadata,
          });
          show(
            `chat.postMessage to ${channel}${args.thread_ts ? ` (thread ${args.thread_ts})` : ''}`,
            args.blocks,
            args.text,
          );
          return reply({ channel, ts, message: { ts, text: args.text } });
        }
        case 'chat.update':
          show(`chat.update ${channel} ${String(args.ts)}`, args.blocks, args.text);
          return reply({ channel, ts: args.ts, text: args.text });
        case 'chat.postEphemeral':
          show(`chat.postEphemeral to ${String(args.user)} in ${channel}`, args.blocks, args.text);
          return reply({ message_ts: nextTs() });
        case 'views.open':
        case 'views.push':
        case 'views.update':
        case 'views.publish': {
          const view = (args.view ?? {}) as { title?: { text?: string }; blocks?: unknown[]; type?: string };
          viewSeq += 1;
          const who = method === 'views.publish' ? ` for ${String(args.user_id)}` : '';
          show(`${method}${who}: ${view.title?.text ?? view.type ?? ''}`, view.blocks, '');
          return reply({ view: { ...view, id: `V0LOCAL${viewSeq}`, hash: String(viewSeq) } });
        }
        case 'conversations.history':
          return reply({
            messages: messages
              .filter((m) => m.channel === channel && !m.thread_ts)
              .reverse()
              .map((m) => ({ ts: m.ts, text: m.text, metadata: m.metadata })),
            has_more: false,
          });
        case 'conversations.replies':
          return reply({
            messages: messages
              .filter((m) => m.channel === channel && (m.thread_ts === args.ts || m.ts === args.ts))
              .map((m) => ({ ts: m.ts, text: m.text, metadata: m.metadata })),
            has_more: false,
          });
        case 'usergroups.users.list':
          return reply({ users: [] });
        case 'users.info':
          return reply({ user: { id: args.user, name: String(args.user), real_name: String(args.user) } });
        case 'conversations.info':
          return reply({ channel: { id: channel, name: channel.toLowerCase(), is_member: true } });
        default:
          print(`[slack] ${method} ${mrkdwnToText(JSON.stringify(args)).slice(0, 500)}`);
          return reply({});
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
