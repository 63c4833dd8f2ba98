import { describe, expect, it } from 'vitest';
import { runFusion } from './run-fusion';

// Every command and subcommand, with options its help must mention.
const COMMANDS: [string[], string[]][] = [
  [
    [],
    [
      'import',
      'bench',
      'route',
      'routers',
      'thoughts',
      'distill',
      'serve',
      'demo-data',
      '--address',
      '--json',
      '--verbose',
      '--tenant',
      'Exit codes',
    ],
  ],
  [['import'], ['<path>', '--format', '--dry-run', '--server-path']],
  [
    ['bench'],
    [
      '--data',
      '--train',
      '--test',
      '--format',
      '--scenario',
      '--routers',
      '--out',
      '--seed',
      '--test-fraction',
    ],
  ],
  [
    ['route'],
    [
      '<query>',
      '--scenario',
      '--alpha',
      '--beta',
      '--allow',
      '--exclude',
      '--max-cost',
      '--execute',
      '--task',
    ],
  ],
  [['routers'], ['list', 'train', 'promote']],
  [['routers', 'list'], ['champion']],
  [
    ['routers', 'train'],
    ['--kind', '--promote', '--shadow'],
  ],
  [
    ['routers', 'promote'],
    ['<router-id>', '<version>', '--force'],
  ],
  [['thoughts'], ['build', 'retrieve']],
  [
    ['thoughts', 'build'],
    ['--selection', '--queries-per-task'],
  ],
  [
    ['thoughts', 'retrieve'],
    ['<query>', '--top-k', '--task'],
  ],
  [['distill'], ['dataset', 'submit', 'jobs']],
  [
    ['distill', 'dataset'],
    ['--setting', '--top-k', '--out'],
  ],
  [
    ['distill', 'submit'],
    ['<dataset-id>', '--base-model', '--student'],
  ],
  [['distill', 'jobs'], ['status']],
  [['serve'], ['--port', '--http-port', '--seed', '--no-pipeline', '--in-memory']],
  [['demo-data'], ['--out', '--seed', '--queries', 'SYNTHETIC']],
];

describe('fusion --help', () => {
  it.concurrent.each(COMMANDS)('fusion %j --help', async (command, mentions) => {
    const run = await runFusion([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Usage: fusion${command.length ? ` ${command.join(' ')}` : ''}`);
    for (const m of mentions) expect(run.stdout).toContain(m);
  });

  it('prints the version', async () => {
    const run = await runFusion(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
