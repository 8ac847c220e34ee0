// Test support: small graphs and in-memory bundles of them, with weights large enough that every layer's
// state visibly changes its outputs (the small initialisers leave plastic and recurrent effects near 1e-4).
import { compileGraph } from '../../compile/compile.ts';
import { graphDocumentFromJson, serializeGraphDocument, type GraphDocument } from '../../graph/document.ts';
import { createRng } from '../../util/random.ts';
import { decodeBundle, encodeBundle } from '../bundle-codec.ts';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type Bundle, type BundleManifest, type WeightSpec } from '../bundle-format.ts';

type NodeSpec = [id: string, kind: string, params?: Record<string, unknown>];
type EdgeSpec = [from: string, to: string];

/** A graph from `[id, kind, params]` nodes and `"node.port"` → `"node.port"` edges; throws if it does not parse. */
export function smallGraph(name: string, nodes: NodeSpec[], edges: EdgeSpec[], training: Record<string, unknown> = {}): GraphDocument {
  const port = (ref: string) => ({ node: ref.split('.')[0], port: ref.split('.')[1] });
  const parsed = graphDocumentFromJson({
    format: 'plasticity-graph',
    version: 1,
    meta: { name },
    nodes: nodes.map(([id, kind, params = {}]) => ({ id, kind, params })),
    edges: edges.map(([from, to], i) => ({ id: `e${i + 1}`, from: port(from), to: port(to) })),
    training: { batchSize: 1, seed: 5, ...training },
  });
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.document;
}

/** A small binary-pattern task: 8-bit patterns, 13 steps per episode. */
export const smallPatterns = (biasNeuron: boolean): NodeSpec => [
  'patterns',
  'BinaryPatternEpisode',
  { patternSize: 8, patternCount: 2, presentationSteps: 2, gapSteps: 1, cycles: 2, testSteps: 1, biasNeuron },
];

/** A bundle of `doc` as if trained: the compiler's parameters, scaled up, with eta = 0.3. */
export function bundleOf(doc: GraphDocument, options: { seed?: number; scale?: number } = {}): Bundle {
  const seed = options.seed ?? doc.training.seed;
  const program = compileGraph(doc, { seed });
  const rng = createRng('test-bundles/values');
  const specs: WeightSpec[] = program.parameters.map((p) => ({ name: p.name, shape: [...p.variable.shape], dtype: 'float32' }));
  const values = new Map(
    program.parameters.map((p) => {
      const init = p.variable.dataSync() as Float32Array;
      return [p.name, p.name.endsWith('/eta') ? Float32Array.of(0.3) : Float32Array.from(init, (v) => v * (options.scale ?? 30) + 0.05 * rng.normal())];
    }),
  );
  program.dispose();
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: new Date(0).toISOString(),
    graph: JSON.parse(serializeGraphDocument(doc)),
    training: { runId: 'test', status: 'finished', seed, episodesDone: 0, settings: doc.training as Record<string, unknown> },
    metrics: { lastEpisode: null, recentMean: null },
    producedBy: { backend: 'cpu', versions: {}, exportedWith: {} },
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  // Through the codec, as a bundle read from disk would be.
  return decodeBundle(encodeBundle({ manifest, weights: { specs, values } }), `${doc.meta.name} bundle`);
}
