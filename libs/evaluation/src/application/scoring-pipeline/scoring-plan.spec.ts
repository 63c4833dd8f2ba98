import { describe, expect, it } from 'vitest';
import type { LogRecord } from '@fusion/contracts';
import { planRecord, SANDBOX_DISABLED_REASON, subjectOf } from './scoring-plan';

function record(over: Partial<LogRecord> = {}): LogRecord {
  return {
    recordId: 'r1',
    tenant: 'default',
    taskName: 'gsm8k',
    taskDomain: 'math',
    queryId: 'q1',
    query: 'What is 6 x 3?',
    promptMode: 'direct',
    llm: 'm',
    response: 'The answer is 18.',
    groundTruth: '#### 18',
    metric: 'GSM8K',
    performance: null,
    judgeScore: null,
    inputTokens: null,
    outputTokens: null,
    inputPrice: null,
    outputPrice: null,
    costUsd: null,
    latencyMs: null,
    split: null,
    createdAt: '2026-01-01T00:00:00Z',
    metadata: {},
    ...over,
  };
}

const on = { judgeEnabled: true, sandboxEnabled: true };

describe('planRecord', () => {
  it.each<[string, Partial<LogRecord>, string]>([
    ['a text metric is computed inline', {}, 'inline'],
    ['code_eval goes to the sandbox queue', { metric: 'code_eval', taskName: 'mbpp' }, 'sandbox'],
    ['a given performance needs no scoring', { performance: 0.5 }, 'none'],
    ['no ground truth: nothing to compute with', { groundTruth: null }, 'none'],
    ['a blank metric: nothing to compute with', { metric: '  ' }, 'none'],
  ])('%s', (_what, over, kind) => {
    expect(planRecord(record(over), on).score.kind).toBe(kind);
  });

  it('records an unknown metric as unscorable, naming the supported ones', () => {
    const plan = planRecord(record({ metric: 'bleu' }), on);
    expect(plan.score).toMatchObject({ kind: 'unscorable', outcome: { metric: 'bleu', performance: null } });
    expect(plan.score.kind === 'unscorable' && plan.score.outcome.reason).toMatch(
      /unknown metric "bleu"; supported: em, cem, em_mc, f1, gsm8k, math, code_eval/,
    );
  });

  it('records code_eval as unscorable when the sandbox is off', () => {
    const plan = planRecord(record({ metric: 'code_eval' }), { ...on, sandboxEnabled: false });
    expect(plan.score).toEqual({
      kind: 'unscorable',
      outcome: { metric: 'code_eval', variant: null, performance: null, reason: SANDBOX_DISABLED_REASON },
    });
  });

  it('judges only when a judge is configured and the log has no judge score', () => {
    expect(planRecord(record(), on).judge).toBe(true);
    expect(planRecord(record({ judgeScore: 0.4 }), on).judge).toBe(false);
    expect(planRecord(record(), { ...on, judgeEnabled: false }).judge).toBe(false);
  });

  it('takes the code task id from the metadata', () => {
    expect(subjectOf(record({ metadata: { taskId: 11 } })).taskId).toBe(11);
    expect(subjectOf(record({ metadata: { task_id: 'HumanEval/3' } })).taskId).toBe('HumanEval/3');
    expect(subjectOf(record({ metadata: { taskId: { nested: true } } })).taskId).toBeNull();
  });
});
