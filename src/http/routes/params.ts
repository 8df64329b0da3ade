import { AppError } from '../../errors.js';
import { SOLUTION_ID_PATTERN } from '../../services/solution-service.js';

export function solutionIdParam(params: Record<string, string>): string {
  const id = params.id ?? '';
  if (!SOLUTION_ID_PATTERN.test(id)) {
    throw new AppError('secsol_invalid_request', 'invalid solution id', {
      issues: [{ path: 'id', message: 'lowercase letters, digits and - only, at most 64' }],
    });
  }
  return id;
}

export function enrollmentIdParam(params: Record<string, string>): string {
  const id = params.enrollmentId ?? '';
  if (!/^enr-[0-9a-f-]{36}$/.test(id)) throw new AppError('secsol_not_found', 'no such enrollment');
  return id;
}
