// `plasticity validate <graph>`: every problem on its own line; exit 1 if any is an error.
import type { Command } from 'commander';
import { datasetProblems } from '../compile/dataset-problems.ts';
import { validateGraph } from '../graph/index.ts';
import { formatProblem, readGraphFile } from './load-graph.ts';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a graph file and list every problem, one per line')
    .argument('<graph>', 'graph file (.plastic.json)')
    .action((file: string) => {
      const doc = readGraphFile(file);
      // Also what only this machine can tell: datasets missing from where the nodes read them.
      const problems = [...validateGraph(doc).problems, ...datasetProblems(doc)];
      for (const problem of problems) console.log(formatProblem(file, problem));
      const errors = problems.filter((p) => p.severity === 'error').length;
      if (errors) {
        console.log(`${file}: ${errors} error${errors === 1 ? '' : 's'}`);
        process.exitCode = 1;
      } else {
        console.log(`${file}: valid (${doc.nodes.length} nodes, ${doc.edges.length} connections)`);
      }
    });
}
