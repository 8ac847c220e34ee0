#!/usr/bin/env node
// The `plasticity` command. The engine is TypeScript; tsx compiles it on load so no build step is needed.
import { register } from 'tsx/esm/api';

register();
await import('../app/cli.ts');
