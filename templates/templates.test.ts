// Every template is a valid graph whose parameter counts are the paper's, with its expected result stated.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countGraphParameters, parseGraphDocument, validateGraph } from '../core/graph/index.ts';

const dir = import.meta.dirname;
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.plastic.json'));

function load(file: string) {
  const parsed = parseGraphDocument(fs.readFileSync(path.join(dir, file), 'utf8'), file);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.document;
}

describe('templates', () => {
  it('include the binary-pattern task and its small comparison', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'binary-patterns.plastic.json',
        'binary-patterns-50bit-plastic.plastic.json',
        'binary-patterns-50bit-rnn.plastic.json',
        'binary-patterns-50bit-lstm.plastic.json',
      ]),
    );
  });

  it.each(files)('%s is valid and says what it should reach', (file) => {
    const doc = load(file);
    expect(validateGraph(doc).problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(doc.meta.description?.length).toBeGreaterThan(40);
    expect(doc.meta.expected?.metric).toBeTruthy();
    expect(doc.meta.expected?.source).toMatch(/PAPER\.md/);
  });

  it.each([
    // PAPER.md §2(a): 2·1001² = 2,004,002 plus eta; the 51-neuron network has 5,203; the RNN 4.21 M; the LSTM about 16.4 M.
    ['binary-patterns.plastic.json', 2_004_003],
    ['binary-patterns-50bit-plastic.plastic.json', 5_203],
    ['binary-patterns-50bit-rnn.plastic.json', 4_206_601],
    ['binary-patterns-50bit-lstm.plastic.json', 16_416_000],
  ])('%s has the paper’s parameter count', (file, count) => {
    expect(countGraphParameters(load(file)).total.trainable).toBe(count);
  });
});
