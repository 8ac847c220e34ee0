// Entry point of the `plasticity` command (bin/plasticity.js): the engine's commands plus the app's `serve`.
import { registerServeCommand } from './server/serve-command.ts';
import { createProgram, runProgram } from '../core/cli/program.ts';

const program = createProgram();
registerServeCommand(program);
await runProgram(program);
