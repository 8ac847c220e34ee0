// Datasets a graph reads that are not where its nodes say: found by names before training starts, so a run
// is refused with the node and the fix named instead of failing seconds later in an empty run folder. Node
// only (it looks at the disk); the editor's pure validation cannot.
import type { GraphDocument } from '../graph/document.ts';
import { nodeTitle, type Problem } from '../graph/problems.ts';
import { nodeCatalog, type NodeCatalog } from '../nodes/catalog.ts';
import { taskLibrary, type TaskLibrary } from '../tasks/index.ts';

const datasetNames = { omniglot: 'Omniglot', 'cifar-training': 'CIFAR-10 (training images)', 'cifar-test': 'CIFAR-10 (test images)' } as const;
/** The name `plasticity data download` knows each by. */
const downloadNames = { omniglot: 'omniglot', 'cifar-training': 'cifar10', 'cifar-test': 'cifar10' } as const;

export function datasetProblems(doc: GraphDocument, tasks: TaskLibrary = taskLibrary, catalog: NodeCatalog = nodeCatalog): Problem[] {
  const problems: Problem[] = [];
  for (const node of doc.nodes) {
    const kind = catalog.get(node.kind);
    if (!kind?.datasets) continue;
    const parsed = kind.params.safeParse(node.params);
    if (!parsed.success) continue; // validation reports the parameters themselves
    for (const use of kind.datasets(parsed.data)) {
      const missing = tasks.missingDataset(use.dataset, use.source);
      if (!missing) continue;
      const where = use.source.trim() === '' ? `the default data folder (${tasks.defaultDataDir()})` : `the folder "${use.param}" names`;
      problems.push({
        severity: 'error',
        code: 'missing-dataset',
        nodeId: node.id,
        param: use.param,
        message: `${nodeTitle(node, kind.title)}: ${datasetNames[use.dataset]} is not in ${where}: ${missing}. Download it (in the app: File → Datasets…; on the command line: plasticity data download ${downloadNames[use.dataset]}), set "${use.param}" to the folder that holds it, or set PLASTICITY_DATA_DIR.`,
      });
    }
  }
  return problems;
}
