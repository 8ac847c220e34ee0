// How the command line prints numbers: four significant digits, one decimal from 100 up.
import type { Interval } from '../train/statistics.ts';

export const formatNumber = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));

/** "0.9125 [0.8995, 0.9240]": a mean and its 95% interval (the mean alone when there is none). */
export const formatInterval = (i: Interval) =>
  i.low === null || i.high === null ? formatNumber(i.mean) : `${formatNumber(i.mean)} [${formatNumber(i.low)}, ${formatNumber(i.high)}]`;
