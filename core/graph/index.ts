// Public face of the graph document: schema, parsing, validation, shapes, order, parameter counts, edits.
export * from './document.ts';
export { CURRENT_VERSION, migrations, migrateToCurrent, detectVersion, type Migration } from './migrations.ts';
export { validateGraph, type ValidationResult } from './validate.ts';
export { topologicalOrder, findCycles, type Cycle, type CycleReport } from './topology.ts';
export type { NodeShapes } from './shapes.ts';
export { countGraphParameters, type GraphParameterCount } from './parameters.ts';
export { nodeTitle, hasErrors, type Problem, type ProblemCode } from './problems.ts';
export * from './edits.ts';
