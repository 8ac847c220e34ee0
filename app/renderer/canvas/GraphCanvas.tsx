// The node editor: React Flow showing the document. Every change the user makes is turned into one named
// edit (core/graph/edits) reported through `onEdit`, so it lands in the undo history. Connections are
// checked with the core's canConnect while dragging, and a refused one shows the reason. A read-only graph
// (a trained model) can be panned, zoomed and selected in, and says so when a node is dragged.
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  useConnection,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent } from 'react';
import type { GraphDocument, ValidationResult } from '../../../core/graph/index.ts';
import { connectionEnds, editorCommands, type EditorView } from '../editor/commands.ts';
import type { RunCommand } from '../editor/use-editor.ts';
import { KIND_DRAG_TYPE } from '../panels/Palette.tsx';
import { FIT_GRAPH_AT_START, type FitRequest } from './fit-request.ts';
import { QuickAdd } from './QuickAdd.tsx';
import { NodeView } from './NodeView.tsx';
import { canvasEdges, canvasNodes, type CanvasNode } from './node-data.ts';

const nodeTypes = { graphNode: NodeView };

export interface GraphCanvasProps {
  document: GraphDocument;
  validation: ValidationResult;
  selectedNodes: readonly string[];
  selectedEdges: readonly string[];
  /** Every change goes through the editor's commands (which refuse it on a trained model). */
  run: RunCommand;
  onSelect(nodes: readonly string[], edges: readonly string[]): void;
  onNotice(message: string): void;
  /**
   * Why the graph cannot be changed (shown when the user tries), or null. Read-only, nodes stay put,
   * ports do not connect and nothing is added.
   */
  readOnly?: string | null;
  /** The latest request to fit the view (fit-request.ts), acted on once, after the document it follows has rendered. */
  fitRequest?: FitRequest | null;
}

function toPorts(c: Connection | Edge) {
  return { from: { node: c.source, port: c.sourceHandle ?? '' }, to: { node: c.target, port: c.targetHandle ?? '' } };
}

/** What the commands see of the canvas's document (selection does not matter to connecting). */
const viewOf = (document: GraphDocument, readOnly: boolean): EditorView => ({ document, selectedNodes: [], selectedEdges: [], readOnly });

/** While a connection is dragged over a port that refuses it, say why. */
function ConnectionHint({ document }: { document: GraphDocument }) {
  const connection = useConnection();
  if (!connection.inProgress || !connection.toHandle || connection.isValid !== false) return null;
  const { from, to } = connectionEnds(connection.fromHandle, connection.toHandle);
  const refusal = editorCommands.connectionRefusal(viewOf(document, false), from, to);
  if (!refusal) return null;
  return (
    <div className="connection-hint" role="status" data-testid="connection-hint">
      {refusal}
    </div>
  );
}

export function GraphCanvas(props: GraphCanvasProps) {
  const { document, validation, run, onSelect, onNotice, readOnly } = props;
  const flow = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const [nodes, setNodes] = useState<CanvasNode[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  const [quickAdd, setQuickAdd] = useState<{ screen: { x: number; y: number }; flow: { x: number; y: number } } | null>(null);

  const selectedNodeSet = useMemo(() => new Set(props.selectedNodes), [props.selectedNodes]);
  const selectedEdgeSet = useMemo(() => new Set(props.selectedEdges), [props.selectedEdges]);
  // A fit waits for the nodes built from the document it follows: it is due in the same update as they are, so it
  // runs after React Flow has them (and React Flow's fitView then waits for their measurements).
  const fitRequest = props.fitRequest ?? null;
  const [fitDue, setFitDue] = useState<FitRequest | null>(null);
  const fitted = useRef(0);
  useEffect(() => {
    setNodes((previous) => canvasNodes(document, validation, selectedNodeSet, previous));
    if (fitRequest && fitRequest.id !== fitted.current) setFitDue(fitRequest);
  }, [document, validation, selectedNodeSet, fitRequest]);
  useEffect(() => {
    if (!fitDue || fitDue.id === fitted.current) return;
    fitted.current = fitDue.id;
    void flow.fitView(fitDue.options);
  }, [fitDue, flow]);
  useEffect(() => setEdges(canvasEdges(document, validation, selectedEdgeSet)), [document, validation, selectedEdgeSet]);

  const reportSelection = useCallback(
    (nextNodes: CanvasNode[], nextEdges: Edge[]) => {
      const n = nextNodes.filter((x) => x.selected).map((x) => x.id);
      const e = nextEdges.filter((x) => x.selected).map((x) => x.id);
      const same = n.length === props.selectedNodes.length && n.every((id, i) => id === props.selectedNodes[i]) && e.length === props.selectedEdges.length && e.every((id, i) => id === props.selectedEdges[i]);
      if (!same) onSelect(n, e);
    },
    [onSelect, props.selectedNodes, props.selectedEdges],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      // Positions change locally while dragging; the document changes once, when the drag ends.
      // Read-only, a dragged node stays where it is.
      const kept = changes.filter((c) => c.type !== 'remove' && !(readOnly && c.type === 'position'));
      const next = applyNodeChanges(kept, nodes);
      setNodes(next);
      if (kept.some((c) => c.type === 'select')) reportSelection(next, edges);
    },
    [nodes, edges, reportSelection, readOnly],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const kept = changes.filter((c) => c.type !== 'remove');
      const next = applyEdgeChanges(kept, edges);
      setEdges(next);
      if (kept.some((c) => c.type === 'select')) reportSelection(nodes, next);
    },
    [nodes, edges, reportSelection],
  );

  const onNodeDragStart = useCallback(() => {
    if (readOnly) onNotice(readOnly);
  }, [readOnly, onNotice]);

  const onNodeDragStop = useCallback(
    (_event: unknown, _node: CanvasNode, dragged: CanvasNode[]) => {
      if (readOnly) return; // told already when the drag started
      run(editorCommands.moveNodes, dragged.map((n) => ({ id: n.id, position: n.position })));
    },
    [run, readOnly],
  );

  const isValidConnection = useCallback((c: Connection | Edge) => {
    const { from, to } = toPorts(c);
    return editorCommands.connectionRefusal(viewOf(document, false), from, to) === null;
  }, [document]);

  const onConnect = useCallback(
    (c: Connection) => {
      const { from, to } = toPorts(c);
      run(editorCommands.connect, from, to);
    },
    [run],
  );

  const onConnectEnd = useCallback(
    (_event: unknown, state: FinalConnectionState) => {
      if (!state.toHandle || state.isValid !== false || !state.fromHandle) return;
      const { from, to } = connectionEnds(state.fromHandle, state.toHandle);
      const refusal = editorCommands.connectionRefusal(viewOf(document, false), from, to);
      if (refusal) onNotice(refusal);
    },
    [document, onNotice],
  );

  const add = useCallback(
    (kind: string, position: { x: number; y: number }) => run(editorCommands.addNode, kind, position),
    [run],
  );

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(KIND_DRAG_TYPE);
      if (!kind) return;
      event.preventDefault();
      add(kind, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [add, flow],
  );

  const onDoubleClick = useCallback(
    (event: MouseEvent) => {
      // Only the empty canvas: a double-click on a node or a control means something else.
      if (!(event.target as HTMLElement).classList.contains('react-flow__pane')) return;
      if (readOnly) return onNotice(readOnly);
      const bounds = wrapper.current!.getBoundingClientRect();
      setQuickAdd({ screen: { x: event.clientX - bounds.left, y: event.clientY - bounds.top }, flow: flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }) });
    },
    [flow, readOnly, onNotice],
  );

  return (
    <div className={`canvas${readOnly ? ' canvas-read-only' : ''}`} ref={wrapper} onDragOver={(e) => e.dataTransfer.types.includes(KIND_DRAG_TYPE) && e.preventDefault()} onDrop={onDrop} onDoubleClick={onDoubleClick} data-testid="canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        onSelectionDragStart={onNodeDragStart}
        onSelectionDragStop={(e, dragged) => onNodeDragStop(e, dragged[0], dragged as CanvasNode[])}
        nodesConnectable={!readOnly}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        zoomOnDoubleClick={false}
        multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
        fitView
        fitViewOptions={FIT_GRAPH_AT_START}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable maskColor="rgba(18, 22, 31, 0.75)" bgColor="#1a202c" nodeClassName={(n) => `minimap-${(n.data as CanvasNode['data']).category}`} />
        <ConnectionHint document={document} />
      </ReactFlow>
      {quickAdd && (
        <QuickAdd
          at={quickAdd.screen}
          onPick={(kind) => {
            add(kind, quickAdd.flow);
            setQuickAdd(null);
          }}
          onClose={() => setQuickAdd(null)}
        />
      )}
    </div>
  );
}
