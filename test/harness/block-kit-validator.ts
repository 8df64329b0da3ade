/**
 * Block Kit as Slack checks it, for the fake Slack and for unit tests of the builders: the third-party
 * schema in test/fixtures/slack (see its README), plus the limits and rules Slack enforces beyond it
 * (at most 50 blocks in a message, unique block_id and action_id). Errors read like Slack's:
 * `<message> [json-pointer:/blocks/…]`.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** Slack's per-message block limit (chat.*, response URLs). The schema itself allows 100 (views). */
export const MAX_MESSAGE_BLOCKS = 50;
/** Slack truncates top-level text longer than this (with a `message_truncated` warning). */
export const MAX_MESSAGE_TEXT = 40_000;

type Json = Record<string, unknown>;

const SCHEMA_URL = new URL('../fixtures/slack/slack-block-kit.schema.json', import.meta.url);

interface Validators {
  blocks: ValidateFunction;
  modal: ValidateFunction;
  home: ValidateFunction;
}

let validators: Validators | undefined;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Add `discriminator: {propertyName: 'type'}` to every oneOf whose branches are all objects tagged by a unique
 * `type` const/enum. Same accepted set, but Ajv then reports only the errors of the matching branch.
 */
function addDiscriminators(schema: Json): void {
  const defs = isObject(schema.$defs) ? schema.$defs : {};
  const resolve = (s: unknown): unknown => {
    if (
      isObject(s) &&
      typeof s.$ref === 'string' &&
      s.$ref.startsWith('#/$defs/') &&
      Object.keys(s).length === 1
    ) {
      return defs[s.$ref.slice('#/$defs/'.length)];
    }
    return s;
  };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (!isObject(node)) return;
    if (Array.isArray(node.oneOf) && node.discriminator === undefined) {
      // A branch that is itself only a oneOf (e.g. text_object inside context_block_element) is flattened:
      // with unique tags, oneOf[A, oneOf[B, C]] accepts exactly what oneOf[A, B, C] accepts.
      const flat: unknown[] = node.oneOf.flatMap((branch: unknown) => {
        const r = resolve(branch);
        const onlyOneOf =
          isObject(r) &&
          Array.isArray(r.oneOf) &&
          Object.keys(r).every((k) => k === 'oneOf' || k === 'description' || k === 'discriminator');
        return onlyOneOf ? (r.oneOf as unknown[]) : [branch];
      });
      const tags: unknown[] = [];
      let ok = true;
      for (const branch of flat) {
        const r = resolve(branch);
        const props = isObject(r) && isObject(r.properties) ? r.properties : undefined;
        const typeSchema = props?.type;
        const required = isObject(r) && Array.isArray(r.required) ? r.required : [];
        if (!isObject(typeSchema) || !required.includes('type')) {
          ok = false;
          break;
        }
        if (typeof typeSchema.const === 'string') tags.push(typeSchema.const);
        else if (Array.isArray(typeSchema.enum)) tags.push(...typeSchema.enum);
        else {
          ok = false;
          break;
        }
      }
      if (ok && tags.every((t) => typeof t === 'string') && new Set(tags).size === tags.length) {
        node.oneOf = flat;
        node.discriminator = { propertyName: 'type' };
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'discriminator') walk(value);
    }
  };
  walk(schema);
}

type AddFormats = (ajv: Ajv2020) => unknown;

function blockKitValidators(): Validators {
  if (validators) return validators;
  const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Json;
  addDiscriminators(schema);
  const ajv = new Ajv2020({ allErrors: true, discriminator: true, strictTypes: false });
  // ajv-formats is CommonJS: depending on the loader the plugin is the module itself or its `default`.
  const mod = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
  (mod.default ?? mod)(ajv);
  ajv.addSchema(schema);
  const id = String(schema.$id);
  const get = (ref: string): ValidateFunction => {
    const v = ajv.getSchema(ref);
    if (!v) throw new Error(`Block Kit schema: cannot resolve ${ref}`);
    return v;
  };
  validators = {
    blocks: get(id),
    modal: get(`${id}#/$defs/modal_view`),
    home: get(`${id}#/$defs/home_view`),
  };
  return validators;
}

/** Compiles the schema now (it is compiled once, on first use), so that the first validation is not slow. */
export function compileBlockKitSchema(): void {
  blockKitValidators();
}

/** Ajv errors → Slack-style strings: `<message> [json-pointer:<prefix><path>]`. */
function formatAjvErrors(errors: ErrorObject[] | null | undefined, prefix: string): string[] {
  const out: string[] = [];
  for (const e of errors ?? []) {
    const p = e.params as Record<string, unknown>;
    let path = e.instancePath;
    let message = e.message ?? 'is invalid';
    switch (e.keyword) {
      case 'if':
        continue; // the matching `then` error is reported on its own
      case 'maxLength':
        message = `must be less than ${Number(p.limit) + 1} characters`;
        break;
      case 'minLength':
        message =
          Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${Number(p.limit)} characters`;
        break;
      case 'maxItems':
        message = `no more than ${Number(p.limit)} items allowed`;
        break;
      case 'minItems':
        message = `must have at least ${Number(p.limit)} items`;
        break;
      case 'required':
        message = `missing required field: ${String(p.missingProperty)}`;
        break;
      case 'additionalProperties':
        message = `invalid additional property: ${String(p.additionalProperty)}`;
        break;
      case 'oneOf':
      case 'anyOf':
        message = 'failed to match all allowed schemas';
        break;
      case 'discriminator':
        path += '/type';
        message =
          p.error === 'mapping' ? `unsupported type: ${inspect(p.tagValue)}` : 'missing required field: type';
        break;
      case 'const':
        message = `must be ${JSON.stringify(p.allowedValue)}`;
        break;
      case 'enum':
        message = `must be one of ${JSON.stringify(p.allowedValues)}`;
        break;
      case 'format':
        message = `must be a valid ${String(p.format)}`;
        break;
      default:
        break;
    }
    out.push(`${message} [json-pointer:${prefix}${path}]`);
  }
  return out;
}

/** block_id unique across the surface; action_id unique within a block (Slack refuses duplicates). */
function checkIds(blocks: unknown[], prefix: string): string[] {
  const out: string[] = [];
  const blockIds = new Map<string, number>();
  blocks.forEach((block, i) => {
    if (!isObject(block)) return;
    if (typeof block.block_id === 'string') {
      const first = blockIds.get(block.block_id);
      if (first !== undefined) {
        out.push(
          `duplicate block_id ${JSON.stringify(block.block_id)} (also at ${prefix}/${first}) [json-pointer:${prefix}/${i}/block_id]`,
        );
      } else blockIds.set(block.block_id, i);
    }
    const elements: [unknown, string][] = [];
    if (Array.isArray(block.elements)) {
      for (const [j, el] of block.elements.entries()) elements.push([el, `/elements/${j}`]);
    }
    if (block.accessory !== undefined) elements.push([block.accessory, '/accessory']);
    if (block.element !== undefined) elements.push([block.element, '/element']);
    const actionIds = new Set<string>();
    for (const [el, sub] of elements) {
      if (!isObject(el) || typeof el.action_id !== 'string') continue;
      if (actionIds.has(el.action_id)) {
        out.push(
          `duplicate action_id ${JSON.stringify(el.action_id)} in block [json-pointer:${prefix}/${i}${sub}/action_id]`,
        );
      }
      actionIds.add(el.action_id);
    }
  });
  return out;
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * Validate a message's `blocks` (chat.postMessage / chat.update / chat.postEphemeral / response URL) like Slack:
 * Block Kit schema, at most 50 blocks, unique block_ids. Returns `[]` when valid, otherwise Slack-style messages
 * ending in `[json-pointer:/blocks/…]`. An empty array is valid (chat.update uses it to remove blocks).
 */
export function validateMessageBlocks(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['must be an array [json-pointer:/blocks]'];
  if (blocks.length === 0) return [];
  const v = blockKitValidators().blocks;
  let errors = v(blocks) ? [] : formatAjvErrors(v.errors, '/blocks');
  if (blocks.length > MAX_MESSAGE_BLOCKS) {
    errors = errors.filter((e) => !(e.startsWith('no more than') && e.endsWith('[json-pointer:/blocks]')));
    errors.unshift(`no more than ${MAX_MESSAGE_BLOCKS} items allowed [json-pointer:/blocks]`);
  }
  errors.push(...checkIds(blocks, '/blocks'));
  return dedupe(errors);
}

/**
 * Validate a `view` (views.open / push / update / publish): `#/$defs/modal_view` or `#/$defs/home_view` by its
 * `type` (at most 100 blocks, title/submit/close ≤ 24, …) plus unique block_ids. Returns `[]` when valid,
 * otherwise messages ending in `[json-pointer:/view/…]`.
 */
export function validateView(view: unknown): string[] {
  if (!isObject(view)) return ['must be an object [json-pointer:/view]'];
  const { modal, home } = blockKitValidators();
  const v = view.type === 'modal' ? modal : view.type === 'home' ? home : undefined;
  if (!v) return [`unsupported view type: ${inspect(view.type)} [json-pointer:/view/type]`];
  const errors = v(view) ? [] : formatAjvErrors(v.errors, '/view');
  if (Array.isArray(view.blocks)) errors.push(...checkIds(view.blocks, '/view/blocks'));
  return dedupe(errors);
}
