import { describe, expect, it } from 'vitest';
import { locateJsonSyntaxError } from './json-errors.ts';

describe('locateJsonSyntaxError', () => {
  it('accepts valid JSON', () => {
    for (const text of ['{}', ' [1, -2.5e3, "a\\u00e9\\n", true, null, {"k": []}] ', '0']) {
      expect(locateJsonSyntaxError(text), text).toBeUndefined();
    }
  });

  it.each([
    ['{"a": 1,}', 1, 9, 'expected a quoted key but found "}"'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}" but found "\\""'],
    ['[1, 2', 1, 6, 'expected "," or "]" but found the text ends too early'],
    ["{'a': 1}", 1, 2, 'expected a quoted key'],
    ['{"a": 01}', 1, 8, 'expected "," or "}"'],
    ['{"a": "x\ny"}', 1, 9, 'control character inside a string'],
    ['{"a": tru}', 1, 7, 'unexpected "t"'],
    ['{} {}', 1, 4, 'extra text after the JSON value'],
  ])('%j → line %i, column %i', (text, line, column, reason) => {
    const where = locateJsonSyntaxError(text)!;
    expect(where).toMatchObject({ line, column });
    expect(where.reason).toContain(reason);
    expect(() => JSON.parse(text)).toThrow(); // agrees with JSON.parse that the text is bad
  });
});
