import { describe, expect, it } from 'vitest';
import { validateMessageBlocks, validateView } from './block-kit-validator.js';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('the Block Kit validator', () => {
  it('reports readable errors for common mistakes', () => {
    expect(validateMessageBlocks([{ type: 'sektion', text: { type: 'mrkdwn', text: 'x' } }])).toEqual([
      "unsupported type: 'sektion' [json-pointer:/blocks/0/type]",
    ]);
    expect(
      validateMessageBlocks([
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'b'.repeat(76) } }],
        },
      ]),
    ).toEqual(['must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]']);
    expect(validateMessageBlocks([section('a'), { ...section('b'), foo: 1 }])).toEqual([
      'invalid additional property: foo [json-pointer:/blocks/1]',
    ]);
    expect(
      validateMessageBlocks([
        { ...section('a'), block_id: 'same' },
        { ...section('b'), block_id: 'same' },
      ]),
    ).toEqual([expect.stringContaining('duplicate block_id "same"')]);
    expect(
      validateMessageBlocks([{ type: 'context', elements: [{ type: 'mrkdwn', text: 'c'.repeat(3001) }] }]),
    ).toEqual(['must be less than 3001 characters [json-pointer:/blocks/0/elements/0/text]']);
    expect(validateMessageBlocks('nope')).toEqual(['must be an array [json-pointer:/blocks]']);
    expect(validateMessageBlocks([])).toEqual([]);
  });

  it('validates views: modal title length, 100 blocks, input needs submit', () => {
    const modal = {
      type: 'modal',
      callback_id: 'secsol_modal',
      title: { type: 'plain_text', text: 'Security solutions' },
      submit: { type: 'plain_text', text: 'Save' },
      blocks: [
        {
          type: 'input',
          block_id: 'reason',
          label: { type: 'plain_text', text: 'Reason' },
          element: { type: 'plain_text_input', action_id: 'reason_input' },
        },
      ],
    };
    expect(validateView(modal)).toEqual([]);
    expect(validateView({ ...modal, title: { type: 'plain_text', text: 't'.repeat(25) } })).toEqual([
      'must be less than 25 characters [json-pointer:/view/title/text]',
    ]);
    const { submit: _submit, ...noSubmit } = modal;
    expect(validateView(noSubmit)).toEqual(['missing required field: submit [json-pointer:/view]']);
    const many = { type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) };
    expect(validateView(many)).toEqual(['no more than 100 items allowed [json-pointer:/view/blocks]']);
    expect(validateView({ ...many, blocks: many.blocks.slice(0, 100) })).toEqual([]);
    expect(validateView({ type: 'workflow_step', blocks: [] })).toEqual([
      "unsupported view type: 'workflow_step' [json-pointer:/view/type]",
    ]);
  });
});
