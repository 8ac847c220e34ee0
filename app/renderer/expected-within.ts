// How long a template's expected result takes, in words, for every place that states it.

/** "within 2,000 episodes", "within 58 minutes", both joined by "and", or '' when the template names neither. */
export function expectedWithin(e: { withinEpisodes?: number; withinMinutes?: number }): string {
  const parts = [
    e.withinEpisodes !== undefined ? `${e.withinEpisodes.toLocaleString('en')} episodes` : null,
    e.withinMinutes !== undefined ? `${e.withinMinutes.toLocaleString('en')} minutes` : null,
  ].filter(Boolean);
  return parts.length > 0 ? `within ${parts.join(' and ')}` : '';
}
