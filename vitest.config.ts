import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// One alias per tsconfig path, so tests resolve `@fusion/*` exactly as the runtime does.
const tsconfig = JSON.parse(readFileSync(resolve(__dirname, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const alias = Object.entries(tsconfig.compilerOptions.paths).map(([find, [target]]) => ({
  find: new RegExp(`^${find.replace(/[/-]/g, (c) => `\\${c}`)}$`),
  replacement: resolve(__dirname, target ?? ''),
}));

const shared = {
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { alias },
};

export default defineConfig({
  ...shared,
  test: {
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'test/**/*.spec.ts', 'bench/**/*.spec.ts'],
          exclude: ['**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        ...shared,
        test: {
          name: 'int',
          include: ['apps/**/*.int-spec.ts', 'libs/**/*.int-spec.ts', 'test/**/*.int-spec.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        ...shared,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e-spec.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
