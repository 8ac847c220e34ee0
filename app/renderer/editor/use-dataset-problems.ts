// Problems only the app's Node side can find (datasets missing from where the nodes read them), asked for when
// the nodes that read datasets change, and shown with the editor's own validation.
import { useEffect, useMemo, useState } from 'react';
import { getNodeKind } from '../../../core/nodes/index.ts';
import type { GraphDocument, Problem, ValidationResult } from '../../../core/graph/index.ts';
import type { PlasticityApi } from '../../shared/channels.ts';

/** `revision` changes when datasets were installed or the data folder changed: ask again. */
export function useDatasetProblems(api: PlasticityApi, document: GraphDocument, validation: ValidationResult, revision = 0): ValidationResult {
  const [problems, setProblems] = useState<Problem[]>([]);
  // Only the nodes that read datasets matter: moving a node or editing a layer asks nothing.
  const readers = useMemo(() => JSON.stringify(document.nodes.filter((n) => getNodeKind(n.kind)?.datasets).map((n) => [n.id, n.kind, n.params])), [document]);
  useEffect(() => {
    if (readers === '[]') return setProblems([]);
    let current = true;
    api.invoke('graph:datasetProblems', { document }).then(
      (answer) => current && setProblems(answer.problems),
      () => current && setProblems([]), // an invalid document: validation already says what is wrong
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, readers, revision]);
  return useMemo(() => (problems.length ? { ...validation, problems: [...validation.problems, ...problems] } : validation), [validation, problems]);
}
