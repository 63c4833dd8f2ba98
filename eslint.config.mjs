import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const frameworkImports = [
  { group: ['@nestjs/*'], message: 'domain/ is pure TypeScript: no Nest here (put it in adapters/).' },
  {
    group: ['typeorm', 'pg', '@electric-sql/*'],
    message: 'domain/ is pure: persistence lives in adapters/.',
  },
  { group: ['kafkajs'], message: 'domain/ is pure: messaging lives in adapters/.' },
  { group: ['@grpc/*', 'grpc-health-check'], message: 'domain/ is pure: gRPC lives in adapters/.' },
  { group: ['@opentelemetry/*', 'prom-client', 'pino'], message: 'domain/ holds no telemetry code.' },
  {
    group: [
      'node:fs',
      'node:http',
      'node:https',
      'node:net',
      'node:child_process',
      'fs',
      'http',
      'child_process',
    ],
    message: 'domain/ does no I/O: use a port.',
  },
  {
    group: [
      '@fusion/shared/event-store',
      '@fusion/shared/messaging',
      '@fusion/shared/runtime',
      '@fusion/shared/transport',
      '@fusion/shared/telemetry',
    ],
    message: 'domain/ may only use @fusion/shared/kernel and @fusion/contracts.',
  },
];

export default [
  {
    ignores: [
      '**/node_modules',
      '**/dist',
      '**/out',
      '**/tmp',
      '.nx',
      'libs/contracts/src/generated/**',
      'helm/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:shared', onlyDependOnLibsWithTags: ['type:shared', 'type:contracts'] },
            { sourceTag: 'scope:ingestion', onlyDependOnLibsWithTags: ['type:shared', 'type:contracts'] },
            { sourceTag: 'scope:evaluation', onlyDependOnLibsWithTags: ['type:shared', 'type:contracts'] },
            {
              sourceTag: 'scope:routing',
              onlyDependOnLibsWithTags: ['type:shared', 'type:contracts', 'scope:evaluation'],
            },
            {
              sourceTag: 'scope:thought',
              onlyDependOnLibsWithTags: ['type:shared', 'type:contracts', 'scope:routing'],
            },
            {
              sourceTag: 'scope:distillation',
              onlyDependOnLibsWithTags: ['type:shared', 'type:contracts', 'scope:evaluation'],
            },
            {
              sourceTag: 'type:composition',
              onlyDependOnLibsWithTags: ['type:shared', 'type:contracts', 'type:context'],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:shared', 'type:contracts', 'type:context', 'type:composition'],
            },
          ],
        },
      ],
    },
  },
  {
    // Tests are compositions: a context's service spec may host another context (e.g. ingestion feeding routing).
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      // Tests index into results they have just asserted on.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:shared', onlyDependOnLibsWithTags: ['type:shared', 'type:contracts'] },
            {
              sourceTag: 'type:context',
              onlyDependOnLibsWithTags: ['type:shared', 'type:contracts', 'type:context'],
            },
            {
              sourceTag: 'type:composition',
              onlyDependOnLibsWithTags: ['type:shared', 'type:contracts', 'type:context'],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:shared', 'type:contracts', 'type:context', 'type:composition'],
            },
          ],
        },
      ],
    },
  },
  {
    // Numeric kernels index typed arrays inside bounds-checked loops; `a[i]!` is the idiom there.
    files: ['libs/routing/src/domain/**/*.ts', 'libs/shared/llm/src/embeddings/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['libs/*/src/domain/**/*.ts', 'libs/shared/kernel/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: frameworkImports }] },
  },
  prettier,
];
