/**
 * What every button handler shares: ack first, then read the click (who, where, which value) and answer
 * the clicking user. A click is answered privately (an ephemeral message) and the clicked message is
 * edited in place: `chat.update` for channel messages, the payload's `response_url` for ephemeral ones
 * (a slash command's answer cannot be edited any other way).
 */
import type {
  AllMiddlewareArgs,
  BlockAction,
  BlockElementAction,
  Middleware,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { Config } from '../../../config/config.js';
import type { SlackMessage } from '../../blocks/alert-blocks.js';
import { isAllowedSlackUrl } from '../../egress.js';
import type { SlackDeps } from '../../slack-deps.js';

export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
export type ActionListener = Middleware<SlackActionMiddlewareArgs<BlockAction>>;

export const INVALID_BUTTON =
  'This button is not valid (it may come from an older version of secsol). Nothing was changed.';

/**
 * A response URL is only followed when it points at Slack (or, in tests and local mode, at the Slack
 * stand-in we were configured with): the payload is signed, but the URL is still data, and following an
 * arbitrary URL would let anyone who can shape a payload make us call into the network.
 */
export function usableResponseUrl(url: string | undefined, config: Config): string | undefined {
  return url !== undefined && isAllowedSlackUrl(url, config) ? url : undefined;
}

function actionValue(action: BlockElementAction): string | undefined {
  if (action.type === 'overflow' || action.type === 'static_select') return action.selected_option?.value;
  return 'value' in action && typeof action.value === 'string' ? action.value : undefined;
}

/** One click, read once, with the two ways to answer it. */
export class Click {
  readonly user: string;
  readonly channel: string | undefined;
  readonly messageTs: string | undefined;
  /** The clicked message is ephemeral (a slash command's answer, or one of our ephemeral messages). */
  readonly ephemeral: boolean;
  readonly triggerId: string;
  readonly value: string | undefined;
  readonly blockId: string | undefined;
  private readonly responseUrl: string | undefined;

  constructor(
    private readonly args: ActionArgs,
    private readonly deps: SlackDeps,
  ) {
    const { body } = args;
    const container = (body.container ?? {}) as {
      channel_id?: unknown;
      message_ts?: unknown;
      is_ephemeral?: unknown;
    };
    this.user = body.user.id;
    this.channel =
      body.channel?.id ?? (typeof container.channel_id === 'string' ? container.channel_id : undefined);
    this.messageTs =
      body.message?.ts ?? (typeof container.message_ts === 'string' ? container.message_ts : undefined);
    this.ephemeral = container.is_ephemeral === true;
    this.triggerId = body.trigger_id;
    this.value = actionValue(args.action);
    this.blockId = args.action.block_id;
    this.responseUrl = usableResponseUrl(body.response_url, deps.config);
  }

  /** Whether the clicked message holds a block with this id (tells a status page from a solution view). */
  messageHas(blockId: string): boolean {
    const blocks = (this.args.body.message as { blocks?: unknown } | undefined)?.blocks;
    return (
      Array.isArray(blocks) &&
      blocks.some(
        (b) => typeof b === 'object' && b !== null && (b as { block_id?: unknown }).block_id === blockId,
      )
    );
  }

  /** How the audit trail names the clicking user. */
  get actor(): string {
    return `slack:${this.user}`;
  }

  get client() {
    return this.args.client;
  }

  /** Tells the clicking user something only they see. Best effort: a failure is logged, never thrown. */
  async tell(text: string, blocks?: KnownBlock[]): Promise<void> {
    const message = blocks ? { text, blocks } : { text };
    if (this.ephemeral && this.responseUrl) {
      if (await this.respond({ response_type: 'ephemeral', replace_original: false, ...message })) return;
    }
    if (this.channel) {
      try {
        await this.args.client.chat.postEphemeral({ channel: this.channel, user: this.user, ...message });
        return;
      } catch (err) {
        this.deps.logger.warn(
          { channel: this.channel, userId: this.user, err: (err as Error).message },
          'could not post an ephemeral answer',
        );
      }
    }
    if (!this.ephemeral && this.responseUrl) {
      await this.respond({ response_type: 'ephemeral', replace_original: false, ...message });
    }
  }

  /**
   * Replaces the clicked message with `message`. False when that is not possible (an ephemeral message
   * whose response URL we may not use, or a click from outside a message).
   */
  async replace(message: SlackMessage): Promise<boolean> {
    if (this.ephemeral) {
      if (!this.responseUrl) return false;
      return this.respond({ replace_original: true, text: message.text, blocks: message.blocks });
    }
    if (!this.channel || !this.messageTs) return false;
    try {
      await this.args.client.chat.update({
        channel: this.channel,
        ts: this.messageTs,
        text: message.text,
        blocks: message.blocks,
      });
      return true;
    } catch (err) {
      this.deps.logger.warn(
        { channel: this.channel, err: (err as Error).message },
        'could not update the clicked message',
      );
      return false;
    }
  }

  private async respond(body: Parameters<ActionArgs['respond']>[0]): Promise<boolean> {
    try {
      await this.args.respond(body);
      return true;
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'could not answer through the response URL');
      return false;
    }
  }
}

/**
 * Wraps a click handler: acknowledges at once (Slack waits 3 s at most), then runs it. An unexpected
 * failure is logged with its context and the user gets a short explanation, never a stack trace.
 */
export function onClick(
  deps: SlackDeps,
  name: string,
  handle: (click: Click) => Promise<void>,
): ActionListener {
  return async (args) => {
    await args.ack();
    const click = new Click(args as ActionArgs, deps);
    try {
      await handle(click);
    } catch (err) {
      deps.logger.error(
        { action: name, userId: click.user, err: (err as Error).message, stack: (err as Error).stack },
        'button handler failed',
      );
      await click.tell('Something went wrong while handling this click. Please try again in a moment.');
    }
  };
}
