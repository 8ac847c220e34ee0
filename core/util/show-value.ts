// A value as a message shows it: JSON, cut short. A message names the field at fault and shows enough of
// the value to recognise it; a 30 MB string would otherwise be printed whole, once per problem.
const LIMIT = 80;

export function showValue(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  if (json.length <= LIMIT) return json;
  return `${json.slice(0, LIMIT)}… (${json.length.toLocaleString('en-US')} characters)`;
}
