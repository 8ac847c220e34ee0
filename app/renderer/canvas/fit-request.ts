// Fitting the view after the document changes (a file loaded, an automatic layout, a problem picked). The
// request is state: the canvas acts on it after it has rendered the changed document, and React Flow's fitView
// then waits on its own until every node has been measured (it queues the fit until then). So there is no
// polling and no fixed delay, however late a busy machine renders.
import type { FitViewOptions } from '@xyflow/react';
import { useCallback, useState } from 'react';

/** The whole graph, as the canvas opens; the margin is a fraction of the canvas, small so a template's text stays legible on a laptop. */
export const FIT_GRAPH_AT_START: FitViewOptions = { padding: 0.06, maxZoom: 1.2 };

/** The same, animated briefly (after a load, a layout, Fit View). */
export const FIT_GRAPH: FitViewOptions = { ...FIT_GRAPH_AT_START, duration: 200 };

/** One node, with room around it. */
export const fitNode = (id: string): FitViewOptions => ({ nodes: [{ id }], padding: 0.6, maxZoom: 1.2, duration: 250 });

export interface FitRequest {
  /** Each request is new, even with the same options. */
  id: number;
  options: FitViewOptions;
}

export function useFitRequest() {
  const [fitRequest, setFitRequest] = useState<FitRequest | null>(null);
  const requestFit = useCallback((options: FitViewOptions) => setFitRequest((last) => ({ id: (last?.id ?? 0) + 1, options })), []);
  return { fitRequest, requestFit };
}

export type RequestFit = ReturnType<typeof useFitRequest>['requestFit'];
