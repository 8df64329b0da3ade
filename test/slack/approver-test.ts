/**
 * The set-up of the tests of buttons and modals that only approvers may use: secsol without a worker
 * (nothing flips behind the test's back), U0APPROVER its only approver, each test ending with nothing
 * refused by Slack, and the solutions repository to seed and check what a click changed.
 */
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { secsolTest } from '../harness/fixtures.js';

export const approverTest = secsolTest({
  worker: false,
  env: { SECSOL_APPROVERS: 'U0APPROVER' },
  slackAcceptsAll: true,
}).extend('solutions', { scope: 'file' }, ({ app }) => new SolutionRepository(app.ctx));
