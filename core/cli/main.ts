// The engine's command line on its own (no app server): what the desktop app bundles to run `plasticity train`
// for a sweep's jobs, where the repository's bin/plasticity.js is not shipped.
import { createProgram, runProgram } from './program.ts';

await runProgram(createProgram());
