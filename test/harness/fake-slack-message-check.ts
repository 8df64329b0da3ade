/**
 * What Slack checks in every message the app sends (chat.postMessage, chat.update, chat.postEphemeral and
 * response URLs): valid Block Kit, well-formed metadata, a text fallback, the text length; and what
 * secsol must never send (mentions made live by `link_names` or `parse: 'full'`).
 */
import { MAX_MESSAGE_TEXT, validateMessageBlocks } from './block-kit-validator.js';
import { err, errorsResponse, isObject, type Json, type Problems, truthy } from './fake-slack-wire.js';

/** An error body to answer with, or the text to store and what to add to the answer. */
export type MessageCheck = { error: Json } | { error?: undefined; text: string | undefined; extra: Json };

/**
 * Checks shared by chat.postMessage / chat.update / chat.postEphemeral / response URLs. Returns an error body
 * to answer with, or the (possibly truncated) text and a warning to add to the success body.
 */
export function checkMessage(problems: Problems, method: string, a: Json): MessageCheck {
  if (a.blocks !== undefined) {
    if (!Array.isArray(a.blocks)) {
      problems.invalid.push({ method, errors: ['blocks must be an array [json-pointer:/blocks]'] });
      return { error: err('invalid_blocks_format') };
    }
    const errors = validateMessageBlocks(a.blocks);
    if (errors.length > 0) {
      problems.invalid.push({ method, errors });
      return { error: errorsResponse('invalid_blocks', errors) };
    }
  }
  if (a.metadata !== undefined) {
    const m = a.metadata;
    if (
      !isObject(m) ||
      typeof m.event_type !== 'string' ||
      m.event_type === '' ||
      !isObject(m.event_payload)
    ) {
      const errors = [
        'metadata must be {event_type: string, event_payload: object} [json-pointer:/metadata]',
      ];
      problems.invalid.push({ method, errors });
      return { error: errorsResponse('invalid_metadata_format', errors) };
    }
  }
  const unsafe: string[] = [];
  if (truthy(a.link_names))
    unsafe.push('link_names is set: Slack turns @channel/@here/@name in text into live mentions');
  if (a.parse === 'full')
    unsafe.push("parse: 'full' is set: Slack turns @channel/@here/@name in text into live mentions");
  if (unsafe.length > 0) problems.invalid.push({ method, errors: unsafe });

  let text = typeof a.text === 'string' ? a.text : a.text === undefined ? undefined : String(a.text);
  const extra: Json = {};
  if (Array.isArray(a.blocks) && a.blocks.length > 0 && (text === undefined || text.trim() === '')) {
    problems.warnings.push({
      method,
      warning: 'missing_text_fallback: blocks sent without top-level text',
    });
  }
  if (text !== undefined && text.length > MAX_MESSAGE_TEXT) {
    text = text.slice(0, MAX_MESSAGE_TEXT);
    problems.warnings.push({ method, warning: 'message_truncated' });
    extra.warning = 'message_truncated';
    extra.response_metadata = {
      warnings: ['message_truncated'],
      messages: [`[WARN] message text truncated to ${MAX_MESSAGE_TEXT} characters`],
    };
  }
  return { text, extra };
}
