// manifest.yml is a valid Slack app manifest (Slack's official JSON Schema, copied into
// test/fixtures/slack-manifest/) and declares exactly what secsol needs: /secsol, interactivity, the App Home
// and the least bot scopes. Offline: the entry schema's $refs point at raw.githubusercontent.com, so the
// local copies are registered with Ajv under those exact URLs.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const fixtures = new URL('./fixtures/slack-manifest/', import.meta.url);
const manifestUrl = new URL('../manifest.yml', import.meta.url);

// The documented bot scopes (see the comments in manifest.yml). Adding a scope must be a deliberate change.
const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'channels:history',
  'groups:history',
  'usergroups:read',
  'channels:read',
  'groups:read',
];

type Json = Record<string, unknown>;

interface SlashCommand {
  command: string;
  url?: string;
  description: string;
  usage_hint?: string;
  should_escape?: boolean;
}

interface Manifest {
  _metadata?: { major_version?: number; minor_version?: number };
  display_information: { name: string; description?: string; long_description?: string };
  features?: {
    app_home?: { home_tab_enabled?: boolean; messages_tab_enabled?: boolean };
    bot_user?: { display_name: string; always_online?: boolean };
    slash_commands?: SlashCommand[];
  };
  oauth_config?: { scopes?: { bot?: string[]; user?: string[] } };
  settings?: {
    event_subscriptions?: { request_url?: string; bot_events?: string[]; user_events?: string[] };
    interactivity?: { is_enabled: boolean; request_url?: string };
    org_deploy_enabled?: boolean;
    socket_mode_enabled?: boolean;
    token_rotation_enabled?: boolean;
  };
}

function readJson(name: string): Json {
  return JSON.parse(readFileSync(new URL(name, fixtures), 'utf8')) as Json;
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}

// ajv-formats is CommonJS: under NodeNext its default import is module.exports, typed as the module object.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

function loadManifest(): Manifest {
  const doc = parseDocument(readFileSync(manifestUrl, 'utf8'), { uniqueKeys: true });
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  expect(doc.warnings.map((w) => w.message)).toEqual([]);
  return doc.toJS() as Manifest;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

// Accessors into an untyped copy of the manifest, for breaking it on purpose.
function at(value: unknown, ...path: (string | number)[]): Json {
  let node = value;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  if (node === null || typeof node !== 'object') throw new Error(`no object at ${path.join('.')}`);
  return node as Json;
}
const command = (m: Json): Json => at(m, 'features', 'slash_commands', 0);
const info = (m: Json): Json => at(m, 'display_information');
const appHome = (m: Json): Json => at(m, 'features', 'app_home');

describe('manifest.yml (Slack app manifest)', () => {
  let validate: ValidateFunction;
  let validateV2: ValidateFunction;
  let manifest: Manifest;

  beforeAll(() => {
    const entry = readJson('manifest.schema.json');
    // Map each remote $ref of the entry schema to the local copy with the same file name.
    const refs = [...new Set(collectRefs(entry).filter((ref) => !ref.startsWith('#')))];
    expect(refs.length).toBeGreaterThan(0);

    // Strict about unknown keywords and formats; not about `required` without `properties` (the entry schema
    // uses `not: { required: [...] }`), nor about implicit types and tuples.
    const ajv = new Ajv({
      allErrors: true,
      strict: true,
      strictRequired: false,
      strictTypes: false,
      strictTuples: false,
    });
    addFormats(ajv);
    // Slack's schema uses two non-standard keywords. `regex` (on background_color) is enforced here as the
    // pattern it names; `_note` is an annotation.
    ajv.addKeyword({
      keyword: 'regex',
      type: 'string',
      schemaType: 'string',
      validate: (pattern: string, data: string) => new RegExp(pattern).test(data),
      errors: false,
    });
    ajv.addKeyword('_note');

    for (const ref of refs) {
      const file = ref.slice(ref.lastIndexOf('/') + 1);
      expect(file).toMatch(/^manifest\.schema\.\d+\.\d+\.\d+\.json$/);
      ajv.addSchema(readJson(file), ref);
    }
    validate = ajv.compile(entry);
    const v2Ref = refs.find((ref) => ref.endsWith('/manifest.schema.2.0.0.json'));
    expect(v2Ref).toBeDefined();
    const v2 = ajv.getSchema(v2Ref as string);
    if (!v2) throw new Error(`schema ${v2Ref} not registered`);
    validateV2 = v2;

    manifest = loadManifest();
  });

  function errorsOf(fn: ValidateFunction, data: unknown): string[] {
    if (fn(data)) return [];
    return (fn.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
    );
  }

  describe('schema', () => {
    it('is valid against the official schema (entry schema and v2 directly)', () => {
      expect(errorsOf(validate, manifest)).toEqual([]);
      expect(errorsOf(validateV2, manifest)).toEqual([]);
    });

    it('targets manifest schema version 2', () => {
      expect(manifest._metadata).toEqual({ major_version: 2, minor_version: 1 });
    });

    it("accepts the schema repository's own valid v2 example", () => {
      const example = readJson('manifest.valid.json');
      expect(errorsOf(validate, example)).toEqual([]);
      expect(errorsOf(validateV2, example)).toEqual([]);
    });

    // Each broken copy must fail on the expected field, against the entry schema and against v2 directly.
    const broken: [string, (m: Json) => void, string][] = [
      [
        'an unknown top-level key',
        (m) => Object.assign(m, { slash_commands: [] }),
        '"additionalProperty":"slash_commands"',
      ],
      [
        'a slash command without description',
        (m) => delete command(m).description,
        '/features/slash_commands/0',
      ],
      [
        'a command without its leading /',
        (m) => Object.assign(command(m), { command: 'secsol' }),
        '/command',
      ],
      ['a URL without scheme', (m) => Object.assign(command(m), { url: 'secsol.example.com/x' }), '/url'],
      [
        'a long description under 175 characters',
        (m) => Object.assign(info(m), { long_description: 'Short.' }),
        '/long_description',
      ],
      [
        'a bad background color',
        (m) => Object.assign(info(m), { background_color: '#12345z' }),
        '/background_color',
      ],
      [
        'a misspelt App Home key',
        (m) => Object.assign(appHome(m), { messages_tab_read_only: true }),
        '/app_home',
      ],
      ['a missing app name', (m) => delete info(m).name, '/display_information'],
    ];

    it.each(broken)('rejects %s, so this test can fail', (_name, breakIt, where) => {
      const copy = clone(manifest) as unknown as Json;
      breakIt(copy);
      expect(validate(copy)).toBe(false);
      const errors = errorsOf(validateV2, copy);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.join('\n')).toContain(where);
    });

    it('accepts a slash command without url (the schema allows it: Socket Mode apps need none)', () => {
      // So the URL is checked below, as secsol's own requirement in HTTP mode.
      const copy = clone(manifest) as unknown as Json;
      delete command(copy).url;
      expect(errorsOf(validateV2, copy)).toEqual([]);
    });
  });

  describe('what secsol needs', () => {
    it('declares /secsol with its URL on the Bolt endpoint', () => {
      const commands = manifest.features?.slash_commands ?? [];
      expect(commands.map((c) => c.command)).toEqual(['/secsol']);
      const [secsol] = commands;
      // The schema allows a command without url (Socket Mode); in HTTP mode secsol needs one.
      expect(secsol?.url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
      expect(secsol?.usage_hint).toBe('[status|view|discovered|sources|alerts|history|snooze|unsnooze|help]');
      expect(secsol?.should_escape).toBe(false);
    });

    it('sends slash commands, interactivity and events to the same /slack/events URL', () => {
      const commandUrl = manifest.features?.slash_commands?.[0]?.url;
      const interactivity = manifest.settings?.interactivity;
      const events = manifest.settings?.event_subscriptions;
      expect(interactivity?.is_enabled).toBe(true);
      for (const url of [commandUrl, interactivity?.request_url, events?.request_url]) {
        expect(url).toMatch(/\/slack\/events$/);
      }
      expect(new Set([commandUrl, interactivity?.request_url, events?.request_url]).size).toBe(1);
      expect(manifest.settings?.socket_mode_enabled).toBe(false);
    });

    it('enables the App Home tab and subscribes to app_home_opened', () => {
      expect(manifest.features?.app_home?.home_tab_enabled).toBe(true);
      expect(manifest.features?.app_home?.messages_tab_enabled).toBe(false);
      expect(manifest.features?.bot_user?.display_name).toBe('secsol');
      expect(manifest.settings?.event_subscriptions?.bot_events).toEqual(['app_home_opened']);
      expect(manifest.settings?.event_subscriptions?.user_events).toBeUndefined();
    });

    it('asks for exactly the documented bot scopes and no user scopes', () => {
      const bot = manifest.oauth_config?.scopes?.bot ?? [];
      expect(new Set(bot).size).toBe(bot.length);
      expect([...bot].sort()).toEqual([...BOT_SCOPES].sort());
      expect(manifest.oauth_config?.scopes?.user).toBeUndefined();
    });
  });
});
