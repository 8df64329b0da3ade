/**
 * The loopback Slack's side that `npm run slack` talks to (local mode only, 127.0.0.1 only):
 *
 *   POST /response/<id>          a response_url: what secsol answers there is kept (and replace_original /
 *                                delete_original act on the clicked channel message, as in Slack)
 *   POST /local/response-urls    a fresh response_url for a request, with the clicked message if any
 *   GET  /local/responses/<id>   what was posted to it
 *   POST /local/triggers         a trigger_id and who it belongs to (so views.open knows whose modal it is)
 *   GET  /local/messages?channel=&limit=   the channel's recent messages, oldest first
 *   GET  /local/state?channel=&user=       the last message number and ephemeral number (before a request)
 *   GET  /local/ephemeral?user=&after=     ephemeral messages since
 *   GET  /local/modal?user=   DELETE /local/modal?user=   the user's open modal
 *   GET  /local/home?user=    the user's App Home
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { LocalSlackStore } from './local-slack-store.js';

export interface RouteResult {
  status: number;
  body: unknown;
}

const responseUrlRequest = z.object({
  original: z
    .object({ channel: z.string().min(1), ts: z.string().min(1) })
    .nullable()
    .default(null),
});
const triggerRequest = z.object({
  trigger_id: z.string().min(1).max(200),
  user: z.string().regex(/^[UW][A-Z0-9]{2,}$/),
});
const responseBody = z.record(z.string(), z.unknown());

function json(body: string): unknown {
  try {
    return JSON.parse(body || '{}');
  } catch {
    return undefined;
  }
}

const notFound: RouteResult = { status: 404, body: { ok: false, error: 'not_found' } };
const invalid = (error: string): RouteResult => ({ status: 400, body: { ok: false, error } });

export async function handleLocalRoute(
  req: { method: string; url: string; body: string },
  store: LocalSlackStore,
  origin: string,
  print: (text: string) => void,
): Promise<RouteResult> {
  const url = new URL(req.url, 'http://local');
  const q = (name: string) => url.searchParams.get(name) ?? '';
  const path = url.pathname;
  const response = /^\/response\/([0-9a-f]{24})$/.exec(path);
  if (response?.[1] && req.method === 'POST') {
    const id = response[1];
    const original = await store.responseOriginal(id);
    if (original === undefined) return notFound;
    const body = responseBody.safeParse(json(req.body));
    if (!body.success) return invalid('invalid_json');
    await store.respond(id, body.data);
    if (original && (body.data.replace_original === true || body.data.delete_original === true)) {
      const old = await store.byTs(original.channel, original.ts);
      if (old) {
        const deleted = body.data.delete_original === true;
        const blocks = Array.isArray(body.data.blocks) ? (body.data.blocks as Record<string, unknown>[]) : [];
        const text = typeof body.data.text === 'string' ? body.data.text : '';
        await store.replace(
          deleted ? { ...old, deleted, blocks: [], text: '' } : { ...old, blocks, text, edited: true },
        );
        print(
          `[slack] message ${old.n} in #${old.channel} ${deleted ? 'deleted' : 'replaced'} through its response_url`,
        );
      }
    }
    return { status: 200, body: { ok: true } };
  }
  const got = /^\/local\/responses\/([0-9a-f]{24})$/.exec(path);
  if (got?.[1] && req.method === 'GET')
    return { status: 200, body: { ok: true, posts: await store.responses(got[1]) } };
  if (path === '/local/response-urls' && req.method === 'POST') {
    const r = responseUrlRequest.safeParse(json(req.body));
    if (!r.success) return invalid('invalid_request');
    const id = randomBytes(12).toString('hex');
    await store.newResponseUrl(id, r.data.original);
    return { status: 200, body: { ok: true, id, url: `${origin}/response/${id}` } };
  }
  if (path === '/local/triggers' && req.method === 'POST') {
    const r = triggerRequest.safeParse(json(req.body));
    if (!r.success) return invalid('invalid_request');
    await store.rememberTrigger(r.data.trigger_id, r.data.user);
    return { status: 200, body: { ok: true } };
  }
  if (req.method === 'GET' && path === '/local/messages') {
    const limit = Number(q('limit') || 10);
    return {
      status: 200,
      body: {
        ok: true,
        messages: await store.recent(q('channel'), Number.isInteger(limit) && limit > 0 ? limit : 10),
      },
    };
  }
  if (req.method === 'GET' && path === '/local/state') {
    return {
      status: 200,
      body: {
        ok: true,
        lastMessage: await store.lastNumber(q('channel')),
        lastEphemeral: await store.lastEphemeral(q('user')),
      },
    };
  }
  if (req.method === 'GET' && path === '/local/ephemeral') {
    return {
      status: 200,
      body: { ok: true, messages: await store.ephemeralSince(q('user'), Number(q('after')) || 0) },
    };
  }
  if (path === '/local/modal' && req.method === 'GET')
    return { status: 200, body: { ok: true, view: await store.modal(q('user')) } };
  if (path === '/local/modal' && req.method === 'DELETE') {
    await store.closeModal(q('user'));
    return { status: 200, body: { ok: true } };
  }
  if (path === '/local/home' && req.method === 'GET')
    return { status: 200, body: { ok: true, view: await store.home(q('user')) } };
  return notFound;
}
