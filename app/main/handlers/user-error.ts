// An error whose message is written for the user (it is shown as is). Any other error is reported with a
// generic prefix, since its message may be an internal detail.
import { InputError } from '../../../core/util/input-error.ts';

export class UserError extends InputError {
  override name = 'UserError';
}

export function describeError(error: unknown): string {
  if (error instanceof InputError) return error.message;
  if (error instanceof Error) return `Unexpected error: ${error.message}`;
  return `Unexpected error: ${String(error)}`;
}
