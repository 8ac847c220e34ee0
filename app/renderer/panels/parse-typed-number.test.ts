import { describe, expect, it } from 'vitest';
import { parseTypedNumber } from './Inspector.tsx';

describe('parseTypedNumber', () => {
  it('reads decimal numbers as people write them', () => {
    expect([' 51 ', '-0.5', '.5', '3e-4', '1E3', '+2'].map(parseTypedNumber)).toEqual([51, -0.5, 0.5, 3e-4, 1000, 2]);
  });

  it('keeps anything else as text, for validation to report on the field, instead of a number it was not meant as', () => {
    expect(['0x33', '', '  ', '1,000', 'Infinity', '1e999', 'ten'].map(parseTypedNumber)).toEqual(['0x33', '', '', '1,000', 'Infinity', '1e999', 'ten']);
  });
});
