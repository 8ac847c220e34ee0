// An error caused by what the user gave (a file, a field, a setting), with a message written for them that
// names the file and the field at fault. Anything else that is thrown is a bug: the CLI exits 2 for it and the
// app prefixes it with "Unexpected error", so the two are never confused.
export class InputError extends Error {
  override name = 'InputError';
}
