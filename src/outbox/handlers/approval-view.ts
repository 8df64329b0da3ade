/** What a connection request message shows: the request, and its decision once made. */
import type { ApprovalView } from '../../slack/blocks/approval-blocks.js';
import type { Enrollment } from '../../storage/enrollment-repository.js';
import type { SolutionRecord } from '../../storage/solution-record.js';

export function approvalView(enrollment: Enrollment, rec: SolutionRecord, now: number): ApprovalView {
  return {
    enrollmentId: enrollment.id,
    solution: rec.solution,
    requestedBy: enrollment.requestedBy,
    requestedAt: enrollment.createdAt,
    decision:
      enrollment.status === 'pending' || enrollment.status === 'cancelled' || !enrollment.decidedBy
        ? undefined
        : { status: enrollment.status, by: enrollment.decidedBy, at: enrollment.decidedAt ?? now },
  };
}
