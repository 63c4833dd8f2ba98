import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@fusion/shared/kernel';
import { parseSetting, parseSftTopK } from './dataset-setting';
import type { DistillationResponse } from './distillation-response';
import {
  buildSftDataset,
  orderSftQueries,
  rankResponses,
  SFT_INSTRUCTION,
  SftDatasetAccumulator,
} from './sft-dataset.builder';
import { formatGoldOutput, taskFamilyOf } from './task-family';

const THINK = "\nLet's think step by step.";
const Q = 'What is 6 * 7?';

function row(
  llm: string,
  performance: number | null,
  judgeScore: number | null,
  outputTokens: number | null,
  promptMode: 'direct' | 'think' = 'direct',
  over: Partial<DistillationResponse> = {},
): DistillationResponse {
  return {
    recordId: `${llm}-${promptMode}`,
    queryId: 'q1',
    taskName: 'gsm8k',
    query: promptMode === 'think' ? `${Q}${THINK}` : Q,
    llm,
    promptMode,
    response: `response of ${llm}/${promptMode}`,
    groundTruth: '6 * 7 = 42\n#### 42',
    metric: 'GSM8K',
    performance,
    judgeScore,
    outputTokens,
    ...over,
  };
}

const outputs = (records: { output: string }[]): string[] => records.map((r) => r.output);

describe('SFT dataset builder (paper §5)', () => {
  // Given one query answered by five models:
  //   a: perf 1, judge .2, 10 tokens   b: perf 1, judge .9, 50 tokens (think)   c: perf 0, judge 1.0, 99 tokens
  //   d: perf 1, judge .5, 30 tokens   e: perf .5, judge null, 70 tokens
  const rows = [
    row('a', 1, 0.2, 10),
    row('b', 1, 0.9, 50, 'think'),
    row('c', 0, 1.0, 99),
    row('d', 1, 0.5, 30),
    row('e', 0.5, null, 70),
  ];

  it('perf: gold record, then responses by performance desc, output tokens desc', () => {
    const ds = buildSftDataset(rows, { setting: 'perf', topK: 5 });
    expect(ds.records[0]).toEqual({ instruction: SFT_INSTRUCTION, input: Q, output: '6 * 7 = 42\n#### 42' });
    expect(outputs(ds.records.slice(1))).toEqual([
      'response of b/think',
      'response of d/direct',
      'response of a/direct',
      'response of e/direct',
    ]);
    expect(ds).toMatchObject({ queries: 1, skippedResponses: 1, queriesWithoutGroundTruth: 0 });
  });

  it('judge: the zero-performance row is skipped and the walk goes on (fix of §8.3.4: the script stopped there)', () => {
    const ds = buildSftDataset(rows, { setting: 'judge', topK: 5 });
    // Judge order: c(1.0, perf 0) b(.9) d(.5) a(.2) e(null). The script would emit nothing after c.
    expect(outputs(ds.records.slice(1))).toEqual([
      'response of b/think',
      'response of d/direct',
      'response of a/direct',
      'response of e/direct',
    ]);
    expect(ds.skippedResponses).toBe(1);
  });

  it('hybrid: performance desc, then judge desc; top-k cuts after the skipped rows', () => {
    expect(rankResponses(rows, 'hybrid').map((r) => r.llm)).toEqual(['b', 'd', 'a', 'e', 'c']);
    const ds = buildSftDataset(rows, { setting: 'hybrid', topK: 2 });
    expect(outputs(ds.records)).toEqual([
      '6 * 7 = 42\n#### 42',
      'response of b/think',
      'response of d/direct',
    ]);
  });

  it('strips the think instruction from every input, responses included (fix of §8.3.4)', () => {
    const ds = buildSftDataset(rows, { setting: 'perf', topK: 5 });
    expect(ds.records.every((r) => r.input === Q)).toBe(true);
    const thinkOnly = buildSftDataset([row('b', 1, 1, 5, 'think')], { setting: 'perf', topK: 1 });
    expect(thinkOnly.records.map((r) => r.input)).toEqual([Q, Q]);
  });

  it('baseline: only gold records, the list repeated k+1 times (Top-K Label only SFT)', () => {
    const two = [
      ...rows,
      row('a', 1, 1, 1, 'direct', {
        queryId: 'q2',
        query: 'What is 1+1?',
        groundTruth: '#### 2',
        recordId: 'q2-a',
      }),
    ];
    const ds = buildSftDataset(two, { setting: 'baseline', topK: 2 });
    expect(ds.records.map((r) => r.input)).toEqual(['What is 1+1?', Q, 'What is 1+1?', Q, 'What is 1+1?', Q]);
    expect(outputs(ds.records)).toEqual([
      '#### 2',
      '6 * 7 = 42\n#### 42',
      '#### 2',
      '6 * 7 = 42\n#### 42',
      '#### 2',
      '6 * 7 = 42\n#### 42',
    ]);
    expect(ds.queries).toBe(2);
  });

  it('formats gold outputs per task family: [BEGIN]/[DONE] for code, (X) for multiple choice, raw otherwise', () => {
    const code = buildSftDataset(
      [
        row('a', 1, 1, 1, 'direct', {
          taskName: 'mbpp',
          metric: 'code_eval',
          groundTruth: 'def f(): return 1',
        }),
      ],
      { setting: 'perf', topK: 0 },
    );
    expect(code.records[0]?.output).toBe('[BEGIN]\n def f(): return 1 \n[DONE]');
    const mc = buildSftDataset(
      [row('a', 1, 1, 1, 'direct', { taskName: 'mmlu', metric: 'em_mc', groundTruth: 'B' })],
      { setting: 'perf', topK: 0 },
    );
    expect(mc.records[0]?.output).toBe('(B)');
    expect(formatGoldOutput('(C)', 'multiple_choice')).toBe('(C)');
    expect(taskFamilyOf('human_eval', null)).toBe('code');
    expect(taskFamilyOf('ARC-Challenge', null)).toBe('multiple_choice');
    expect(taskFamilyOf('natural_qa', 'cem')).toBe('other');
  });

  it('counts queries without ground truth and skips unscored rows outside the judge setting', () => {
    const noTruth = [
      row('a', null, 0.8, 5, 'direct', { groundTruth: null }),
      row('b', null, null, 5, 'direct', { groundTruth: null }),
    ];
    expect(buildSftDataset(noTruth, { setting: 'perf', topK: 5 })).toMatchObject({
      records: [],
      queries: 0,
      queriesWithoutGroundTruth: 1,
      skippedResponses: 2,
    });
    const judged = buildSftDataset(noTruth, { setting: 'judge', topK: 5 });
    expect(outputs(judged.records)).toEqual(['response of a/direct']);
  });

  it('validates settings and top_k naming the field', () => {
    expect(parseSetting('')).toBe('hybrid');
    expect(parseSetting('PERF')).toBe('perf');
    expect(() => parseSetting('best')).toThrowError(
      expect.objectContaining({
        code: ErrorCode.InvalidArgument,
        violations: [expect.objectContaining({ field: 'setting' })],
      }),
    );
    expect(parseSftTopK(0)).toBe(5);
    expect(() => parseSftTopK(101)).toThrowError(
      expect.objectContaining({ violations: [expect.objectContaining({ field: 'top_k' })] }),
    );
    expect(() => parseSftTopK(-1)).toThrow(/top_k/);
  });

  it('gives the same dataset when whole queries are added in batches in dataset order', () => {
    const q2 = [
      row('a', 1, 1, 1, 'direct', {
        queryId: 'q2',
        query: 'What is 1+1?',
        groundTruth: '#### 2',
        recordId: 'q2-a',
      }),
    ];
    const order = orderSftQueries([
      { taskName: 'gsm8k', queryId: 'q1', query: `${Q}${THINK}` },
      { taskName: 'gsm8k', queryId: 'q2', query: 'What is 1+1?' },
    ]);
    expect(order.map((q) => q.queryId)).toEqual(['q2', 'q1']);
    for (const setting of ['perf', 'baseline'] as const) {
      const acc = new SftDatasetAccumulator({ setting, topK: 2 });
      acc.add(q2);
      acc.add(rows);
      expect(acc.result()).toEqual(buildSftDataset([...rows, ...q2], { setting, topK: 2 }));
    }
  });
});
