import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'app/**/*.test.ts', 'app/**/*.test.tsx', 'bench/**/*.test.ts', 'templates/**/*.test.ts', 'tools/**/*.test.ts', 'e2e/**/*.test.ts'],
    reporters: ['default', './tools/summary-reporter.ts'],
    // The tests read the team's datasets beside the repository, through the same variable a user can set.
    env: { PLASTICITY_DATA_DIR: process.env.PLASTICITY_DATA_DIR ?? path.resolve(import.meta.dirname, '../shared/data') },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Kernels are CPU-bound; two forks match the 2-core machines.
    pool: 'forks',
    maxWorkers: 2,
  },
});
