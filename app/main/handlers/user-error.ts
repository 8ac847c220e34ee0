// An error whose message is written for the user (it is shown as is). Any other error is reported with a
// generic prefix, since its message may be an internal detail.
export class UserError extends Error {
  override name = 'UserError';
}

export function describeError(error: unknown): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof Error) return `Unexpected error: ${error.message}`;
  return `Unexpected error: ${String(error)}`;
}
