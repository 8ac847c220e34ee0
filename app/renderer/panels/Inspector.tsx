// The inspector: every parameter of the selected node with its description, default, range and inline
// errors; with nothing selected, the graph's own settings (name, training). A text field commits on Enter
// or when it loses focus, so typing a number is one undoable action, not one per keystroke.
// For a trained model the fields are disabled and the trained values and training story are shown.
import { expectedWithin } from '../expected-within.ts';
import { useEffect, useState, type ReactNode } from 'react';
import {
  renameNode,
  scheduleOfKind,
  setLabel,
  setMeta,
  setParam,
  setTraining,
  type GraphDocument,
  type GraphNode,
  type Problem,
  type TrainingPatch,
  type TrainingSettings,
  type ValidationResult,
} from '../../../core/graph/index.ts';
import { describeParams, describeRange, getNodeKind, type ParamDescription } from '../../../core/nodes/index.ts';
import type { SpeedMeasurement, TrainedModelInfo } from '../../shared/channels.ts';
import { NodeTrainedValues, TrainedModelSummary } from './TrainedValues.tsx';
import type { DocumentEdit } from '../editor/editor-state.ts';
import { formatBytes, type NodeCost, type TrainingCost } from '../../../core/graph/training-cost.ts';
import { formatDuration, formatStepTime } from '../format.ts';

type Edit = (document: DocumentEdit, label: string) => void;

/** A decimal number as people write one: 51, -0.5, .5, 3e-4. (Number() would also take "0x33" as 51, and "" as 0.) */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A number as typed: the number when the text is a decimal number, else the text itself, which validation then
 * reports on the field (an emptied field too: it is not silently reset to the default; "Reset to default" does that).
 */
export function parseTypedNumber(text: string): number | string {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

function TextField(props: { id: string; value: string; invalid?: boolean; onCommit(text: string): void; placeholder?: string; multiline?: boolean }) {
  const [draft, setDraft] = useState(props.value);
  useEffect(() => setDraft(props.value), [props.value]);
  const commit = () => {
    if (draft !== props.value) props.onCommit(draft);
  };
  const common = {
    id: props.id,
    value: draft,
    placeholder: props.placeholder,
    'aria-invalid': props.invalid || undefined,
    onChange: (e: { target: { value: string } }) => setDraft(e.target.value),
    onBlur: commit,
  };
  if (props.multiline) return <textarea {...common} rows={4} />;
  return (
    <input
      {...common}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setDraft(props.value);
      }}
    />
  );
}

function ParamField({ node, param, problem, onEdit }: { node: GraphNode; param: ParamDescription; problem?: Problem; onEdit: Edit }) {
  const id = `param-${node.id}-${param.name}`;
  const stored = node.params[param.name];
  const value = stored === undefined ? param.default : stored;
  const commit = (next: unknown) => onEdit((present) => setParam(present, node.id, param.name, next), `Set ${node.id}.${param.name}`);
  const range = describeRange(param);
  let input;
  if (param.type === 'boolean') {
    input = <input id={id} type="checkbox" checked={Boolean(value)} onChange={(e) => commit(e.target.checked)} />;
  } else if (param.type === 'enum') {
    input = (
      <select id={id} value={String(value)} onChange={(e) => commit(e.target.value)} aria-invalid={Boolean(problem) || undefined}>
        {!param.options?.includes(String(value)) && <option value={String(value)}>{String(value)} (not allowed)</option>}
        {param.options?.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    );
  } else {
    const numeric = param.type === 'number' || param.type === 'integer';
    input = (
      <TextField
        id={id}
        value={value === undefined ? '' : String(value)}
        invalid={Boolean(problem)}
        placeholder={param.default === undefined ? '' : String(param.default)}
        onCommit={(text) => commit(numeric ? parseTypedNumber(text) : text)}
      />
    );
  }
  const isDefault = stored === undefined || JSON.stringify(stored) === JSON.stringify(param.default);
  return (
    <div className={`field${problem ? ' field-error' : ''}`} data-param={param.name}>
      <label htmlFor={id}>
        <span className="field-name">{param.name}</span>
        <span className="field-type">{param.type}</span>
      </label>
      {input}
      {problem && (
        <p className="field-problem" role="alert">
          {problem.message}
        </p>
      )}
      <p className="field-help">{param.description}</p>
      <p className="field-meta">
        default <code>{JSON.stringify(param.default)}</code>
        {range && <> · {range}</>}
        {!isDefault && (
          <button className="link" onClick={() => commit(undefined)}>
            reset
          </button>
        )}
      </p>
    </div>
  );
}

interface NodeInspectorProps {
  node: GraphNode;
  document: GraphDocument;
  validation: ValidationResult;
  onEdit: Edit;
  onNotice(m: string): void;
  trained: TrainedModelInfo | null;
}

function NodeInspector({ node, document, validation, onEdit, onNotice, trained }: NodeInspectorProps) {
  const kind = getNodeKind(node.kind);
  const problems = validation.problems.filter((p) => p.nodeId === node.id);
  const shapes = validation.shapes.get(node.id);
  return (
    <div className="inspector-body" data-testid="inspector" data-node={node.id} data-read-only={Boolean(trained) || undefined}>
      <h2>{kind?.title ?? node.kind}</h2>
      <p className="muted">{kind?.description ?? `Unknown node kind "${node.kind}".`}</p>
      {trained && <NodeTrainedValues nodeId={node.id} model={trained} />}
      {/* A disabled fieldset disables every field inside: a trained model's settings are what it was trained with. */}
      <fieldset className="plain-fieldset" disabled={Boolean(trained)}>
        <div className="field">
          <label htmlFor="node-label">Label</label>
          <TextField id="node-label" value={node.label ?? ''} placeholder={node.id} onCommit={(t) => onEdit((present) => setLabel(present, node.id, t), `Rename ${node.id}`)} />
        </div>
        <div className="field">
          <label htmlFor="node-id">Id</label>
          <TextField
            id="node-id"
            value={node.id}
            onCommit={(t) => {
              const result = renameNode(document, node.id, t);
              if (result.ok) onEdit(result.document, `Change id of ${node.id}`);
              else onNotice(result.reason);
            }}
          />
        </div>
        {shapes && (
          <p className="field-meta">
            {Object.entries(shapes.outputs).map(([port, shape]) => (
              <span key={port}>
                {port}: <code>[{shape.join(', ')}]</code>{' '}
              </span>
            ))}
          </p>
        )}
        <NodeCostLine cost={validation.cost.nodes.find((c) => c.nodeId === node.id)} />
        {problems.filter((p) => !p.param).map((p, i) => (
          <p key={i} className={`field-problem problem-${p.severity}`}>
            {p.message}
          </p>
        ))}
        <h3>Parameters</h3>
        {kind && describeParams(node.kind).length === 0 && <p className="muted">This node has no parameters.</p>}
        {kind &&
          describeParams(node.kind).map((param) => (
            <ParamField key={param.name} node={node} param={param} problem={problems.find((p) => p.param === param.name)} onEdit={onEdit} />
          ))}
      </fieldset>
    </div>
  );
}

const count = (n: number) => n.toLocaleString('en-US');

/** This node's share of the graph's cost: its trainable parameters, its Hebbian trace and its training memory. */
function NodeCostLine({ cost }: { cost: NodeCost | undefined }) {
  if (!cost || (cost.trainable === 0 && cost.traceValues === 0)) return null;
  return (
    <p className="field-meta" data-testid="node-cost">
      {count(cost.trainable)} trainable parameters{cost.traceValues > 0 && <>, {count(cost.traceValues)} plastic (Hebbian trace values)</>}; about {formatBytes(cost.bytes)} for training
    </p>
  );
}

/** Measured step times by graph (its nodes, edges and batch size): a measurement holds until the graph changes. */
const measuredSpeeds = new Map<string, SpeedMeasurement>();
const speedKey = (document: GraphDocument) => JSON.stringify([document.nodes.map((n) => [n.kind, n.params]), document.edges.map((e) => [e.from, e.to]), document.training.batchSize]);

/** Time per step, measured on this machine when asked (a training process times a few steps), and the whole run's time. */
function SpeedEstimate({ document, measure }: { document: GraphDocument; measure(document: GraphDocument): Promise<SpeedMeasurement> }) {
  const key = speedKey(document);
  const [, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const known = measuredSpeeds.get(key);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      measuredSpeeds.set(key, await measure(document));
      setVersion((v) => v + 1);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const steps = document.training.episodes;
  return (
    <>
      <dt title="Timed on this machine by a training process: a few optimizer steps, the first (warm-up) left out">Time per step</dt>
      <dd data-testid="speed-estimate">
        {known ? (
          <span title={`median of ${known.stepsTimed} steps on ${known.backend}`}>
            {formatStepTime(known.secondsPerStep)}
            {known.batchSize > 1 && ` (${formatStepTime(known.secondsPerStep / known.batchSize)} per episode)`}; {count(steps)} steps ≈ {formatDuration(known.secondsPerStep * steps)}
          </span>
        ) : (
          <button className="link" disabled={busy} onClick={() => void run()}>
            {busy ? 'measuring…' : 'measure on this machine'}
          </button>
        )}
        {error && <span className="error"> {error}</span>}
      </dd>
    </>
  );
}

/** What the graph costs before it is trained: its parameters, the memory training will take and, measured, its time. */
function TrainingCostSummary({ cost, document, measure }: { cost: TrainingCost; document: GraphDocument; measure?(document: GraphDocument): Promise<SpeedMeasurement> }) {
  return (
    <dl className="training-cost" data-testid="training-cost">
      <dt>Trainable parameters</dt>
      <dd>{count(cost.trainable)}</dd>
      {cost.traceValues > 0 && (
        <>
          <dt title="The Hebbian trace: one value per plastic connection, reset at the start of each episode">Hebbian trace per episode</dt>
          <dd>{count(cost.traceValues)}</dd>
        </>
      )}
      {cost.steps !== undefined && (
        <>
          <dt>Steps per episode</dt>
          <dd>{count(cost.steps)}</dd>
        </>
      )}
      <dt title="An estimate for the wasm backend: parameters, optimizer state, Hebbian traces and every step's activations for backpropagation through time">Memory for training</dt>
      <dd data-bytes={Math.round(cost.bytes)}>about {formatBytes(cost.bytes)}</dd>
      {measure && <SpeedEstimate document={document} measure={measure} />}
    </dl>
  );
}

/** A number field; an empty one (value undefined) stands for a setting left out. */
type NumberField = (field: string, label: string, value: number | undefined, apply: (n: number | string | undefined) => void, help: string) => ReactNode;

/** Typed text for an optional setting: nothing typed removes it. */
const optionalNumber = (n: number | string | undefined) => (n === '' ? undefined : n);
type Schedule = TrainingSettings['schedule'];

/** The learning-rate schedule: its kind, and the fields of that kind. */
function ScheduleFields({ training, numberField, onChange }: { training: TrainingSettings; numberField: NumberField; onChange(schedule: Schedule, label: string): void }) {
  const schedule = training.schedule;
  // A field holding text that is not a number is kept as typed, so that validation can point at it.
  const set = (patch: Record<string, number | string | undefined>, label: string) => onChange({ ...schedule, ...patch } as Schedule, label);
  return (
    <>
      <div className="field">
        <label htmlFor="training.schedule.kind">Learning-rate schedule</label>
        <select id="training.schedule.kind" value={schedule.kind} onChange={(e) => onChange(scheduleOfKind(e.target.value as Schedule['kind'], training), 'Set schedule')}>
          <option value="constant">constant</option>
          <option value="step">step: multiply every N steps</option>
          <option value="cosine">cosine annealing</option>
        </select>
        <p className="field-help">How the learning rate changes over the run. For a fixed budget, cosine annealing ends on a small rate without choosing when to step.</p>
      </div>
      {schedule.kind === 'step' && (
        <>
          {numberField('training.schedule.everyEpisodes', 'Step every (steps)', schedule.everyEpisodes, (n) => set({ everyEpisodes: n }, 'Set schedule step'), 'The rate is multiplied by the factor below after every this many optimizer steps.')}
          {numberField('training.schedule.gamma', 'Multiply by', schedule.gamma, (n) => set({ gamma: n }, 'Set schedule factor'), 'The factor applied at each step, e.g. 0.333 divides the rate by 3.')}
        </>
      )}
      {schedule.kind === 'cosine' && (
        <>
          <div className="field">
            <label htmlFor="training.schedule.unit">Anneal over</label>
            <select
              id="training.schedule.unit"
              value={schedule.overMinutes !== undefined ? 'minutes' : 'steps'}
              onChange={(e) =>
                e.target.value === 'minutes'
                  ? set({ overEpisodes: undefined, overMinutes: training.minutes ?? 60 }, 'Anneal over minutes')
                  : set({ overMinutes: undefined, overEpisodes: training.episodes }, 'Anneal over steps')
              }
            >
              <option value="steps">optimizer steps</option>
              <option value="minutes">minutes of training</option>
            </select>
            <p className="field-help">Over minutes the annealing fits a time budget on any machine; over steps a run repeats exactly.</p>
          </div>
          {schedule.overMinutes !== undefined
            ? numberField('training.schedule.overMinutes', 'Anneal over (minutes)', schedule.overMinutes, (n) => set({ overMinutes: n }, 'Set annealing length'), 'Training time (steps and evaluations) from the full rate to the minimum; after it the minimum is kept.')
            : numberField('training.schedule.overEpisodes', 'Anneal over (steps)', schedule.overEpisodes, (n) => set({ overEpisodes: n }, 'Set annealing length'), 'Optimizer steps from the full rate to the minimum; after them the minimum is kept.')}
          {numberField('training.schedule.minLearningRate', 'Minimum learning rate', schedule.minLearningRate, (n) => set({ minLearningRate: n }, 'Set minimum learning rate'), 'The rate at the end of the annealing.')}
        </>
      )}
    </>
  );
}

function GraphSettings({ document, validation, onEdit, onMeasureSpeed }: { document: GraphDocument; validation: ValidationResult; onEdit: Edit; onMeasureSpeed?(document: GraphDocument): Promise<SpeedMeasurement> }) {
  const problemFor = (field: string) => validation.problems.find((p) => p.field === field);
  const train = (patch: TrainingPatch, label: string) => onEdit((present) => setTraining(present, patch), label);
  const numberField: NumberField = (field, label, value, apply, help) => {
    const problem = problemFor(field);
    return (
      <div className={`field${problem ? ' field-error' : ''}`}>
        <label htmlFor={field}>{label}</label>
        <TextField id={field} value={value === undefined ? '' : String(value)} invalid={Boolean(problem)} onCommit={(t) => apply(parseTypedNumber(t))} />
        {problem && <p className="field-problem">{problem.message}</p>}
        <p className="field-help">{help}</p>
      </div>
    );
  };
  return (
    <div className="inspector-body" data-testid="inspector" data-node="">
      <h2>Graph</h2>
      <div className="field">
        <label htmlFor="graph-name">Name</label>
        <TextField id="graph-name" value={document.meta.name} onCommit={(t) => onEdit((present) => setMeta(present, { name: t }), 'Rename graph')} />
      </div>
      <div className="field">
        <label htmlFor="graph-description">Description</label>
        <TextField id="graph-description" multiline value={document.meta.description ?? ''} onCommit={(t) => onEdit((present) => setMeta(present, { description: t || undefined }), 'Edit description')} />
      </div>
      <TrainingCostSummary cost={validation.cost} document={document} measure={validation.problems.some((p) => p.severity === 'error') ? undefined : onMeasureSpeed} />
      <h3>Training</h3>
      {document.training.initialWeights && (
        <div className="field" data-testid="initial-weights">
          <p className="field-help">
            Starts from the trained weights of <code>{document.training.initialWeights.bundle}</code> (fine-tuning).
          </p>
          <button className="link" onClick={() => onEdit((present) => setTraining(present, { initialWeights: undefined }), 'Start from fresh weights')}>
            Start from fresh weights instead
          </button>
        </div>
      )}
      {numberField('training.episodes', 'Episodes', document.training.episodes, (n) => train({ episodes: n as number }, 'Set episodes'), 'Episodes to train; each is one optimizer step.')}
      {numberField(
        'training.minutes',
        'Time limit (minutes)',
        document.training.minutes,
        (n) => train({ minutes: optionalNumber(n) as number | undefined }, 'Set time limit'),
        'Training ends, as finished, once its steps and evaluations have taken this long (across resumes); empty for no limit.',
      )}
      {numberField('training.batchSize', 'Batch size', document.training.batchSize, (n) => train({ batchSize: n as number }, 'Set batch size'), 'Episodes per optimizer step (the paper uses 1).')}
      {numberField('training.seed', 'Seed', document.training.seed, (n) => train({ seed: n as number }, 'Set seed'), 'Fixes initial weights and episodes, so a run can be reproduced.')}
      {numberField(
        'training.optimizer.learningRate',
        'Learning rate (Adam)',
        document.training.optimizer.learningRate,
        (n) => train({ optimizer: { learningRate: n as number } }, 'Set learning rate'),
        'Adam’s step size. Each template states the value its expected result was measured with.',
      )}
      <ScheduleFields training={document.training} numberField={numberField} onChange={(schedule, label) => train({ schedule }, label)} />
      {document.meta.expected && (
        <p className="expected">
          Expected: <b>{document.meta.expected.metric}</b>
          {document.meta.expected.below !== undefined && <> below {document.meta.expected.below}</>}
          {document.meta.expected.above !== undefined && <> above {document.meta.expected.above}</>}
          {expectedWithin(document.meta.expected) && <> {expectedWithin(document.meta.expected)}</>}
          {document.meta.expected.source && <span className="muted"> ({document.meta.expected.source})</span>}
        </p>
      )}
    </div>
  );
}

export function Inspector(props: {
  document: GraphDocument;
  validation: ValidationResult;
  selectedNodes: readonly string[];
  onEdit: Edit;
  onNotice(m: string): void;
  /** The open trained model, or null: its values are shown and nothing can be edited. */
  trained: TrainedModelInfo | null;
  /** Times a few training steps of the graph on this machine. */
  onMeasureSpeed?(document: GraphDocument): Promise<SpeedMeasurement>;
}) {
  const { document, selectedNodes, trained } = props;
  const node = selectedNodes.length === 1 ? document.nodes.find((n) => n.id === selectedNodes[0]) : undefined;
  return (
    <aside className="inspector" aria-label="Inspector">
      {node ? (
        <NodeInspector key={node.id} node={node} {...props} />
      ) : selectedNodes.length > 1 ? (
        <div className="inspector-body">
          <h2>{selectedNodes.length} nodes selected</h2>
          <p className="muted">{trained ? 'Select one to see its trained values.' : 'Copy, duplicate or delete them together; select one to edit its parameters.'}</p>
        </div>
      ) : trained ? (
        <TrainedModelSummary model={trained} document={document} />
      ) : (
        <GraphSettings {...props} />
      )}
    </aside>
  );
}
