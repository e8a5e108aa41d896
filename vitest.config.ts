import { defineConfig } from 'vitest/config';

// Engine tests spawn real Python workers; on a 2-core machine parallel files
// starve each other, so files run with limited parallelism and generous timeouts.
export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'common/**/*.test.ts', 'preload/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    maxWorkers: 2,
    environment: 'node',
  },
});
