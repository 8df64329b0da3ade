/** A taken name, answered the same way by every route that creates a solution. */
import { AppError } from '../../errors.js';
import { NameTakenError } from '../../services/solution-service.js';

/** 409 with the id of the solution holding the name, so a caller can decide what it meant. */
export async function nameConflictAs409<T>(creating: Promise<T>): Promise<T> {
  try {
    return await creating;
  } catch (err) {
    if (!(err instanceof NameTakenError)) throw err;
    throw new AppError(
      'secsol_conflict',
      `a solution named "${err.requestedName}" already exists; names are unique (case and spacing aside)`,
      { existingId: err.existingId },
    );
  }
}
