/** What every `/secsol` subcommand handler gets, and the answers they share (help, unknown solution). */
import type { AckFn, RespondArguments, RespondFn } from '@slack/bolt';
import type { SolutionRecord, StatusService } from '../../../services/status-service.js';
import type { SlackMessage } from '../../blocks/alert-blocks.js';
import { helpMessage } from '../../blocks/help-blocks.js';
import { escTrunc, oneLine } from '../../mrkdwn.js';
import type { SlackDeps } from '../../slack-deps.js';

export interface CommandContext {
  deps: SlackDeps;
  status: StatusService;
  userId: string;
  ack: AckFn<string | RespondArguments>;
  respond: RespondFn;
}

/** Answers in the ack itself: one HTTP response, visible only to the user. */
export async function ackWith(ctx: CommandContext, message: SlackMessage): Promise<void> {
  await ctx.ack({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
}

/** For answers that take longer: ack at once (Slack's 3 s), then answer through the response URL. */
export async function ackThenRespond(ctx: CommandContext, build: () => Promise<SlackMessage>): Promise<void> {
  await ctx.ack();
  let message: SlackMessage;
  try {
    message = await build();
  } catch (err) {
    ctx.deps.logger.error({ err, userId: ctx.userId }, 'a /secsol answer failed');
    message = { text: 'Sorry, secsol could not answer that right now. Try again in a moment.', blocks: [] };
  }
  await ctx.respond({
    response_type: 'ephemeral',
    text: message.text,
    ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
  });
}

export function unknownSolutionMessage(ref: string): SlackMessage {
  return helpMessage(
    `No solution is named "${escTrunc(oneLine(ref), 100)}". Use its id or its exact name; \`/secsol status\` lists them.`,
  );
}

/** Finds the solution a subcommand names; answers with help (and returns null) when there is none. */
export async function resolveOrHelp(ctx: CommandContext, ref: string): Promise<SolutionRecord | null> {
  const record = await ctx.status.find(ref);
  if (!record) await ackWith(ctx, unknownSolutionMessage(ref));
  return record;
}
