import { describe, expect, it } from 'vitest';
import { binaryPatternGraph, graphOf } from './testing/fixtures.ts';
import { findCycles, topologicalOrder } from './topology.ts';

describe('topologicalOrder', () => {
  it('puts every node after the nodes feeding it, whatever the file order', () => {
    const doc = binaryPatternGraph();
    doc.nodes.reverse();
    const order = topologicalOrder(doc);
    expect(order).toHaveLength(5);
    for (const edge of doc.edges) expect(order.indexOf(edge.from.node)).toBeLessThan(order.indexOf(edge.to.node));
  });

  it('breaks ties by document order, so the result is deterministic', () => {
    const doc = graphOf([
      { id: 'c', kind: 'Dense' },
      { id: 'a', kind: 'Dense' },
      { id: 'b', kind: 'Dense' },
    ]);
    expect(topologicalOrder(doc)).toEqual(['c', 'a', 'b']);
  });

  it('cuts a cycle after its stateful node and still orders the rest', () => {
    const doc = graphOf(
      [
        { id: 'mix', kind: 'Dense' },
        { id: 'memory', kind: 'PlasticRecurrent' },
        { id: 'after', kind: 'Slice' },
      ],
      [
        ['memory.output', 'mix.input'],
        ['mix.output', 'memory.drive'],
        ['mix.output', 'after.input'],
      ],
    );
    // memory → mix is the cut edge (mix would read memory's previous output), so mix comes first.
    expect(topologicalOrder(doc)).toEqual(['mix', 'memory', 'after']);
  });

  it('puts nodes of a stateless cycle last, in document order', () => {
    const doc = graphOf(
      [
        { id: 'a', kind: 'Dense' },
        { id: 'b', kind: 'Dense' },
        { id: 'free', kind: 'Dense' },
      ],
      [
        ['a.output', 'b.input'],
        ['b.output', 'a.input'],
      ],
    );
    expect(topologicalOrder(doc)).toEqual(['free', 'a', 'b']);
  });
});

describe('findCycles', () => {
  it('finds nothing in an acyclic graph', () => {
    expect(findCycles(binaryPatternGraph())).toEqual({ statefulFeedback: [], withoutState: [] });
  });

  it('reports a self-loop on a stateless node as a cycle without state', () => {
    const doc = graphOf([{ id: 'a', kind: 'Dense' }], [['a.output', 'a.input']]);
    const report = findCycles(doc);
    expect(report.withoutState.map((c) => c.nodes)).toEqual([['a', 'a']]);
    expect(report.statefulFeedback).toEqual([]);
  });

  it('reports a self-loop on a stateful node as feedback', () => {
    const doc = graphOf([{ id: 'm', kind: 'PlasticRecurrent' }], [['m.output', 'm.drive']]);
    const report = findCycles(doc);
    expect(report.statefulFeedback.map((c) => [c.nodes, c.closingEdge.id])).toEqual([[['m', 'm'], 'e1']]);
    expect(report.withoutState).toEqual([]);
  });

  it('separates the two kinds when both occur in one tangle', () => {
    // m → a → m is feedback through a stateful node; a ⇄ b is a cycle without state.
    const doc = graphOf(
      [
        { id: 'm', kind: 'PlasticRecurrent' },
        { id: 'a', kind: 'PlasticDense' },
        { id: 'b', kind: 'Dense' },
      ],
      [
        ['m.output', 'a.input'],
        ['b.output', 'm.drive'],
        ['a.output', 'b.input'],
      ],
    );
    const report = findCycles(doc);
    expect(report.statefulFeedback).toHaveLength(1);
    expect(report.statefulFeedback[0].nodes).toEqual(['m', 'a', 'b', 'm']);
    expect(report.withoutState).toEqual([]);
    const stateless = graphOf(
      [
        { id: 'a', kind: 'Dense' },
        { id: 'b', kind: 'Dense' },
        { id: 'm', kind: 'PlasticRecurrent' },
      ],
      [
        ['a.output', 'b.input'],
        ['b.output', 'a.input'],
        ['b.output', 'm.drive'],
        ['m.output', 'b.input'],
      ],
    );
    const mixed = findCycles(stateless);
    expect(mixed.withoutState.map((c) => c.nodes)).toEqual([['a', 'b', 'a']]);
    expect(mixed.statefulFeedback.map((c) => c.nodes)).toEqual([['m', 'b', 'm']]);
  });
});
