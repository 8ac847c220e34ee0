// A graph that cannot compile: carries every problem validation found, each naming its node.
import type { Problem } from '../graph/index.ts';
import { InputError } from '../util/input-error.ts';

export class GraphInvalidError extends InputError {
  constructor(readonly problems: readonly Problem[]) {
    super(`The graph has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` + problems.map((p) => `  - ${p.message}`).join('\n'));
    this.name = 'GraphInvalidError';
  }
}
