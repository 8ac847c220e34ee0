// `plasticity info <graph>`: nodes, their shapes, and trainable / plastic parameter counts.
import type { Command } from 'commander';
import { countGraphParameters, validateGraph } from '../graph/index.ts';
import { formatShape } from '../nodes/shape-helpers.ts';
import { formatBytes } from '../graph/training-cost.ts';
import { CliError, formatProblem, readGraphFile } from './load-graph.ts';

const number = (n: number) => n.toLocaleString('en-US');

export function registerInfoCommand(program: Command): void {
  program
    .command('info')
    .description('show the nodes, their output shapes and parameter counts')
    .argument('<graph>', 'graph file (.plastic.json)')
    .option('--json', 'print the summary as JSON')
    .action((file: string, options: { json?: boolean }) => {
      const doc = readGraphFile(file);
      const { problems, shapes, cost } = validateGraph(doc);
      const errors = problems.filter((p) => p.severity === 'error');
      if (errors.length) throw new CliError(errors.map((p) => formatProblem(file, p)));
      const counts = countGraphParameters(doc);
      const rows = doc.nodes.map((node) => {
        const outputs = shapes.get(node.id)?.outputs ?? {};
        const count = counts.nodes[node.id] ?? { trainable: 0, plastic: 0 };
        return {
          id: node.id,
          kind: node.kind,
          outputs: Object.fromEntries(Object.entries(outputs).map(([port, shape]) => [port, [...shape]])),
          trainable: count.trainable,
          plastic: count.plastic,
        };
      });
      if (options.json) {
        console.log(JSON.stringify({ name: doc.meta.name, nodes: rows, total: counts.total, trainingMemoryBytes: Math.round(cost.bytes) }, null, 2));
        return;
      }
      console.log(`${doc.meta.name}${doc.meta.description ? ` — ${doc.meta.description}` : ''}`);
      const header = ['node', 'kind', 'outputs', 'trainable', 'plastic'];
      const table = rows.map((r) => [
        r.id,
        r.kind,
        Object.entries(r.outputs).map(([port, shape]) => `${port} ${formatShape(shape)}`).join(', ') || '—',
        number(r.trainable),
        number(r.plastic),
      ]);
      const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
      const line = (cells: string[]) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
      console.log(line(header));
      for (const row of table) console.log(line(row));
      console.log(`total trainable parameters: ${number(counts.total.trainable)} (of which plastic alpha/eta: ${number(counts.total.plastic)})`);
      const steps = cost.steps === undefined ? '' : `, ${number(cost.steps)} steps per episode`;
      console.log(`memory for training: about ${formatBytes(cost.bytes)} (batches of ${number(cost.batchSize)}${steps}; an estimate for the wasm backend)`);
    });
}
