import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, z } from '@fusion/shared/config';
import { evaluationConfigShape, evaluationOptionsFrom } from './evaluation.config';

const schema = z.object(evaluationConfigShape);
const load = (env: Record<string, string>) => evaluationOptionsFrom(loadConfig(schema, env));

describe('evaluation config', () => {
  it('needs no environment: no judge, sandbox on, reports under out/reports', () => {
    expect(load({})).toEqual({
      judge: null,
      sandbox: { enabled: true, concurrency: 4 },
      reportDir: 'out/reports',
      dataRoots: [],
    });
  });

  it('turns the judge on when its server and model are set', () => {
    expect(
      load({
        JUDGE_BASE_URL: 'http://vllm:8000/v1',
        JUDGE_MODEL: 'qwen',
        JUDGE_API_KEY: 'k',
        JUDGE_CONCURRENCY: '3',
      }).judge,
    ).toEqual({ baseUrl: 'http://vllm:8000/v1', model: 'qwen', apiKey: 'k', concurrency: 3 });
    expect(
      load({ JUDGE_BASE_URL: 'http://vllm:8000', JUDGE_MODEL: 'qwen', JUDGE_ENABLED: 'false' }).judge,
    ).toBeNull();
  });

  it('names the missing variables when the judge is switched on without its server', () => {
    expect(() => load({ JUDGE_ENABLED: 'true', JUDGE_MODEL: 'qwen' })).toThrow(
      new ConfigError([{ variable: 'JUDGE_BASE_URL', problem: 'required when JUDGE_ENABLED=true' }]),
    );
  });

  it('names a bad variable', () => {
    expect(() => load({ SANDBOX_CONCURRENCY: 'many', SANDBOX_ENABLED: 'yes' })).toThrow(
      /SANDBOX_ENABLED: expected 'true' or 'false' \(got 'yes'\); SANDBOX_CONCURRENCY: expected a number/,
    );
    expect(() => load({ JUDGE_BASE_URL: 'vllm' })).toThrow(/JUDGE_BASE_URL: expected a URL/);
  });

  it('reads the sandbox switch and the data roots', () => {
    expect(load({ SANDBOX_ENABLED: 'false', EVALUATION_DATA_ROOTS: '/data, /srv/logs' })).toMatchObject({
      sandbox: { enabled: false, concurrency: 4 },
      dataRoots: ['/data', '/srv/logs'],
    });
  });
});
