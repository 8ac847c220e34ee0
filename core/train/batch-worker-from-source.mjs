// Starts batch-worker.ts in a worker thread when the engine runs from its TypeScript sources: a worker does
// not inherit the main thread's tsx loader, so it registers its own. (Bundles start batch-worker.mjs.)
import { register } from 'tsx/esm/api';

register();
await import('./batch-worker.ts');
