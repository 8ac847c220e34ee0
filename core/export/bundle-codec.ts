// Bundle ⇄ the contents of model.json and weights.bin. Decoding checks everything that can be checked
// without building the network: JSON, format and version, the manifest's fields, the graph, and that
// weights.bin holds exactly the bytes the manifest describes. (Shapes against the graph: model-graph.ts.)
import { describeSchemaIssue, formatJsonPath, graphDocumentFromJson } from '../graph/document.ts';
import { validateGraph } from '../graph/index.ts';
import { packWeights, unpackWeights, type FloatWeightSpec } from '../util/float-weights.ts';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  BundleError,
  BundleManifestSchema,
  bundleFiles,
  type Bundle,
  type BundleFiles,
  type NamedWeights,
  type WeightSpec,
} from './bundle-format.ts';

const { model: MODEL, weights: WEIGHTS } = bundleFiles;

function parseModelJson(content: BundleFiles['modelJson'], where: string): unknown {
  if (typeof content !== 'string' && !(content instanceof Uint8Array)) return content;
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BundleError(`${where}: ${MODEL} is not valid JSON (${(error as Error).message}).`);
  }
}

/** Format and version first, so a newer or foreign file gets that message rather than a list of field errors. */
function checkFormat(raw: unknown, where: string): void {
  const head = (typeof raw === 'object' && raw !== null ? raw : {}) as { format?: unknown; version?: unknown };
  if (head.format !== BUNDLE_FORMAT) {
    const hint =
      head.format === 'plasticity-checkpoint'
        ? ' This is a training checkpoint: export its run folder with `plasticity export <run folder>`.'
        : head.format === 'plasticity-graph'
          ? ' This is a graph file, not a trained model.'
          : '';
    throw new BundleError(`${where}: ${MODEL} is not a Plasticity Studio model bundle: its "format" is ${JSON.stringify(head.format)}, expected "${BUNDLE_FORMAT}".${hint}`);
  }
  if (head.version !== BUNDLE_VERSION) {
    const newer = typeof head.version === 'number' && head.version > BUNDLE_VERSION;
    throw new BundleError(
      `${where}: ${MODEL} has bundle format version ${JSON.stringify(head.version)}, which this Plasticity Studio cannot read (it reads version ${BUNDLE_VERSION})${newer ? '; it was written by a newer Plasticity Studio' : ''}.`,
    );
  }
}

function decodeWeights(specs: WeightSpec[], data: Uint8Array | ArrayBuffer | undefined, where: string): NamedWeights {
  if (data === undefined) throw new BundleError(`${where}: ${WEIGHTS} is missing; a model bundle holds ${MODEL} and ${WEIGHTS}.`);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) throw new BundleError(`${where}: ${MODEL} lists the weight "${spec.name}" twice.`);
    seen.add(spec.name);
  }
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const values = unpackWeights(bytes, specs, (problem) => {
    if (problem.kind === 'not-finite') {
      throw new BundleError(`${where}: ${WEIGHTS}: the weight "${problem.name}" ${problem.damage}; trained weights are finite, so the file is damaged.`);
    }
    if (problem.bytes < problem.expected) {
      throw new BundleError(`${where}: ${WEIGHTS} has ${problem.bytes} bytes but ${MODEL} describes ${problem.expected} (${specs.length} float32 weights): the file is truncated.`);
    }
    throw new BundleError(`${where}: ${WEIGHTS} has ${problem.bytes} bytes but ${MODEL} describes only ${problem.expected}: the file does not belong to this ${MODEL}, or is damaged.`);
  });
  return { specs, values };
}

/** Reads the two files' contents into a Bundle; throws BundleError naming `where` (the bundle's path) and the file. */
export function decodeBundle(files: BundleFiles, where: string): Bundle {
  const raw = parseModelJson(files.modelJson, where);
  checkFormat(raw, where);
  const parsed = BundleManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new BundleError(
      parsed.error.issues.map((issue) => `${where}: ${MODEL}: ${formatJsonPath(issue.path) || 'the file'} ${describeSchemaIssue(issue, raw)}.`),
    );
  }
  const manifest = parsed.data;
  const graph = graphDocumentFromJson(manifest.graph, `${MODEL} graph`);
  if (!graph.ok) throw new BundleError(graph.problems.map((p) => `${where}: ${p.message}`));
  const errors = validateGraph(graph.document).problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new BundleError(errors.map((p) => `${where}: ${MODEL} graph: ${p.message}`));
  const weights = decodeWeights(manifest.weightsManifest[0].weights, files.weights, where);
  return { manifest, graph: graph.document, weights };
}

/** The two files of a bundle: model.json as text and weights.bin as bytes. */
export function encodeBundle(bundle: Pick<Bundle, 'manifest' | 'weights'>): { modelJson: string; weights: Uint8Array } {
  const { specs, values } = bundle.weights;
  const weights = packWeights(specs as FloatWeightSpec[], values);
  const manifest = { ...bundle.manifest, weightsManifest: [{ paths: [WEIGHTS], weights: specs }] };
  return { modelJson: JSON.stringify(manifest, null, 2) + '\n', weights };
}
