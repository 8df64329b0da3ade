/** A notice about secsol itself (evaluation resumed late), to the default channel. */
import { opsNoticeMessage } from '../../slack/blocks/ops-blocks.js';
import type { ItemOf } from '../kinds.js';
import type { Handler } from '../pipeline.js';

export const opsHandler: Handler<ItemOf<'ops'>> = async (notice) => ({
  render: async () => ({ post: { channel: notice.channel, message: opsNoticeMessage(notice.text) } }),
});
