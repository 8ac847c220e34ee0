// Trained values are always finite (the trainer skips a step whose loss is not), so NaN or ±Infinity in a
// file of weights means the file is damaged; loading it would only print NaN.

/** Index of the first NaN or infinite value, or -1. */
export function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** "holds NaN at index 3 (of 2,601 values)", or null when every value is finite. */
export function describeNonFinite(values: Float32Array): string | null {
  const at = firstNonFinite(values);
  if (at < 0) return null;
  return `holds ${values[at]} at index ${at.toLocaleString('en-US')} (of ${values.length.toLocaleString('en-US')} values)`;
}
