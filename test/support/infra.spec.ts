import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getInfra, infraFilePath, parseEnvLines } from './infra';

const KEYS = ['KAFKA_BROKERS', 'DATABASE_URL', 'FUSION_INFRA_DIR'] as const;

describe('getInfra', () => {
  const saved: Partial<Record<(typeof KEYS)[number], string>> = {};
  let dir: string;

  beforeEach(() => {
    for (const k of KEYS) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
    dir = mkdtempSync(join(tmpdir(), 'fusion-infra-spec-'));
    process.env['FUSION_INFRA_DIR'] = dir;
  });

  afterEach(() => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('given env vars, when asked, then returns them without reading the file', () => {
    process.env['KAFKA_BROKERS'] = '127.0.0.1:1';
    process.env['DATABASE_URL'] = 'postgres://u@127.0.0.1:2/db';
    writeFileSync(infraFilePath(), 'not json');
    expect(getInfra()).toEqual({ kafkaBrokers: '127.0.0.1:1', databaseUrl: 'postgres://u@127.0.0.1:2/db' });
  });

  it('given only the file from global-setup, when asked, then returns its values', () => {
    writeFileSync(
      infraFilePath(),
      JSON.stringify({ kafkaBrokers: 'h:9', databaseUrl: 'postgres://x@h:5/f' }),
    );
    expect(infraFilePath()).toBe(join(dir, 'infra.json'));
    expect(getInfra()).toEqual({ kafkaBrokers: 'h:9', databaseUrl: 'postgres://x@h:5/f' });
  });

  it('given one env var and the file, when asked, then the env var wins for its key', () => {
    process.env['KAFKA_BROKERS'] = 'env:1';
    writeFileSync(
      infraFilePath(),
      JSON.stringify({ kafkaBrokers: 'file:9', databaseUrl: 'postgres://x@h:5/f' }),
    );
    expect(getInfra()).toEqual({ kafkaBrokers: 'env:1', databaseUrl: 'postgres://x@h:5/f' });
  });

  it('given nothing, when asked, then throws naming the missing variables and how to start them', () => {
    expect(() => getInfra()).toThrow(/KAFKA_BROKERS and DATABASE_URL unset.*scripts\/infra\/all\.sh start/);
  });

  it('given a file with a bad field, when asked, then throws naming the field', () => {
    writeFileSync(infraFilePath(), JSON.stringify({ kafkaBrokers: 42, databaseUrl: 'postgres://x@h:5/f' }));
    expect(() => getInfra()).toThrow(/field kafkaBrokers must be a non-empty string/);
  });

  it('given a corrupt file, when asked, then throws saying it is not JSON', () => {
    writeFileSync(infraFilePath(), '{oops');
    expect(() => getInfra()).toThrow(/infra\.json: not valid JSON/);
  });
});

describe('parseEnvLines', () => {
  it('keeps KEY=value lines and ignores log noise', () => {
    const out = parseEnvLines(
      '[kafka] ready\nKAFKA_BROKERS=127.0.0.1:9092\n  DATABASE_URL=postgres://a@b:1/c?x=1\nnot a line\n',
    );
    expect(out).toEqual({ KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://a@b:1/c?x=1' });
  });
});
