import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lossUnitOf } from './channels.ts';

const template = (name: string) => JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../templates', `${name}.plastic.json`), 'utf8'));

describe('lossUnitOf (which runs the dashboard draws on one axis)', () => {
  it('is shared by networks compared on the same task and loss', () => {
    expect(lossUnitOf(template('binary-patterns-50bit-plastic'))).toBe(lossUnitOf(template('binary-patterns-50bit-rnn')));
    expect(lossUnitOf(template('maze-laptop-plastic'))).toBe(lossUnitOf(template('maze-laptop-rnn')));
    expect(lossUnitOf(template('natural-images-laptop'))).toBe(lossUnitOf(template('natural-images-laptop-shared-alpha')));
  });

  it('differs between tasks, and between sizes of one task', () => {
    const units = ['binary-patterns', 'binary-patterns-50bit-plastic', 'omniglot-laptop', 'maze-laptop-plastic', 'natural-images-laptop'].map((t) => lossUnitOf(template(t)));
    expect(new Set(units).size).toBe(units.length);
    expect(lossUnitOf(undefined)).toBeNull();
  });
});
