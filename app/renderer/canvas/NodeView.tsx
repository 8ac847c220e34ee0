// One node on the canvas: title and kind, named ports with their shapes, key parameters, and its problems.
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { CanvasNode, PortView } from './node-data.ts';

/** On the node itself the "Node "x" (Kind): " prefix of a message only repeats the header. */
export function withoutNodePrefix(message: string): string {
  return message.replace(/^Node "[^"]*" \([^)]*\):\s*/, '');
}

function PortRow({ port, side }: { port: PortView; side: 'input' | 'output' }) {
  const title = [port.description, port.shape && `shape ${port.shape}`, port.problem].filter(Boolean).join('\n');
  return (
    <div className={`port port-${side}${port.problem ? ' port-problem' : ''}`} title={title} data-port={port.name}>
      <Handle
        type={side === 'input' ? 'target' : 'source'}
        position={side === 'input' ? Position.Left : Position.Right}
        id={port.name}
        className={`handle${port.plastic ? ' handle-plastic' : ''}`}
      />
      <span className="port-name">
        {port.name}
        {port.optional && <span className="port-optional">?</span>}
      </span>
      {port.shape && <span className="port-shape">{port.shape}</span>}
    </div>
  );
}

function NodeViewImpl({ data, selected }: NodeProps<CanvasNode>) {
  const errors = data.problems.filter((p) => p.severity === 'error');
  const warnings = data.problems.filter((p) => p.severity === 'warning');
  const state = errors.length ? 'node-error' : warnings.length ? 'node-warning' : '';
  return (
    <div className={`graph-node category-${data.category} ${state}${selected ? ' selected' : ''}`} data-testid="graph-node">
      <header className="node-header">
        <span className="node-title">{data.title}</span>
        <span className="node-kind">{data.kindTitle}</span>
        {data.plastic && <span className="node-badge" title="Its connections are plastic: they change during each episode by a learned Hebbian rule.">plastic</span>}
      </header>
      <div className="node-ports">
        <div className="node-inputs">{data.inputs.map((p) => <PortRow key={p.name} port={p} side="input" />)}</div>
        <div className="node-outputs">{data.outputs.map((p) => <PortRow key={p.name} port={p} side="output" />)}</div>
      </div>
      {data.keyParams.length > 0 && (
        <dl className="node-params">
          {data.keyParams.map((p) => (
            <div key={p.name} className={p.problem ? 'param-problem' : ''}>
              <dt>{p.name}</dt>
              <dd>{p.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {data.problems.length > 0 && (
        <ul className="node-problems" data-testid="node-problems">
          {data.problems.map((p, i) => (
            <li key={i} className={`problem-${p.severity}`}>
              {withoutNodePrefix(p.message)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const NodeView = memo(NodeViewImpl);
