// Public face of the node catalog (safe for the renderer: no runtime tfjs).
export * from './kind.ts';
export { nodeCatalog, getNodeKind, defaultParams, requireNodeKind, type NodeCatalog } from './catalog.ts';
export { describeParams, describeKindParams, describeRange, type ParamDescription } from './describe-params.ts';
export { flatWidth, formatShape, sameShape } from './shape-helpers.ts';
