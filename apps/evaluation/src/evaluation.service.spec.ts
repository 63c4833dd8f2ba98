import 'reflect-metadata';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type Client } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics, type EventEnvelope, type ResponseScoredV1 } from '@fusion/contracts';
import { evaluationContext, SCORING_REPOSITORY, type ScoringRepository } from '@fusion/evaluation';
import { ingestionContext, logRecordedEventId } from '@fusion/ingestion';
import { InProcessMessageBus } from '@fusion/shared/messaging';
import type { RunningService } from '@fusion/shared/runtime';
import { startTestService, waitFor } from '@fusion/shared/testing';
import { clientStream, createGrpcClient, serverStream, unary } from '@fusion/shared/transport';
import { ingestionBenchmarkFileLoader, routingStrategyTrainers } from '@fusion/composition';

const MBPP_GT =
  "['assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)', 'assert similar_elements((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)']";
const MBPP_RIGHT = '[BEGIN]\ndef similar_elements(a, b):\n    return tuple(sorted(set(a) & set(b)))\n[DONE]';

interface BenchFrame {
  phase: string;
  message: string;
  progress: number;
  done: boolean;
  reportJson: string;
  table: string;
  jsonPath: string;
  htmlPath: string;
}

const LLMS = [
  { llm: 'big-model', cost: 0.01, skill: { arithmetic: 0.9, trivia: 0.8 } },
  { llm: 'math-model', cost: 0.002, skill: { arithmetic: 0.85, trivia: 0.2 } },
  { llm: 'tiny-model', cost: 0.0002, skill: { arithmetic: 0.2, trivia: 0.6 } },
] as const;

/** A small canonical-JSONL benchmark: 2 tasks x 12 queries x 3 LLMs, with or without a split. */
function syntheticLines(withSplit: boolean): string[] {
  const lines: string[] = [];
  for (const task of ['arithmetic', 'trivia'] as const) {
    for (let q = 0; q < 12; q++) {
      for (const m of LLMS) {
        // Deterministic "noise": the model fails the queries its skill does not reach.
        const performance = (q * 7 + m.llm.length) % 10 < m.skill[task] * 10 ? 1 : 0;
        lines.push(
          JSON.stringify({
            task_name: task,
            task_domain: task === 'arithmetic' ? 'math' : 'world_knowledge',
            query_id: `${task}-${q}`,
            query: task === 'arithmetic' ? `What is ${q} plus ${q * 3}?` : `Who wrote book number ${q}?`,
            llm: m.llm,
            response: `answer ${q}`,
            performance,
            cost_usd: m.cost,
            ...(withSplit ? { split: q < 8 ? 'train' : 'test' } : {}),
          }),
        );
      }
    }
  }
  return lines;
}

describe('evaluation app: ingestion -> scoring pipeline, and the benchmark RPC', () => {
  let svc: RunningService;
  let evaluation: Client;
  let ingestion: Client;
  let repository: ScoringRepository;
  let dir: string;
  let reportDir: string;
  const bus = new InProcessMessageBus();
  const scored: EventEnvelope<ResponseScoredV1>[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fusion-eval-spec-'));
    reportDir = join(dir, 'reports');
    writeFileSync(join(dir, 'synthetic.jsonl'), `${syntheticLines(true).join('\n')}\n`);
    writeFileSync(join(dir, 'unsplit.jsonl'), `${syntheticLines(false).join('\n')}\n`);
    svc = await startTestService(
      [
        ingestionContext(),
        evaluationContext({
          sandbox: { enabled: true, concurrency: 2 },
          reportDir,
          loadBenchmarkFile: ingestionBenchmarkFileLoader,
          strategyTrainers: routingStrategyTrainers,
          workers: {
            score: { pollMs: 100, retryBaseMs: 50, retryMaxMs: 100 },
            judge: { pollMs: 100, retryBaseMs: 50, retryMaxMs: 100 },
          },
        }),
      ],
      { bus, serviceName: 'fusion-evaluation' },
    );
    repository = svc.app.get<ScoringRepository>(SCORING_REPOSITORY, { strict: false });
    await bus.subscribe({
      groupId: 'spec-scored',
      topics: [Topics.ResponsesScored],
      handler: async (m) =>
        void scored.push(JSON.parse(m.value.toString()) as EventEnvelope<ResponseScoredV1>),
    });
    evaluation = createGrpcClient(
      svc.grpcAddress,
      'fusion/evaluation/v1/evaluation.proto',
      'fusion.evaluation.v1.EvaluationService',
    );
    ingestion = createGrpcClient(
      svc.grpcAddress,
      'fusion/ingestion/v1/ingestion.proto',
      'fusion.ingestion.v1.IngestionService',
    );
  }, 60_000);

  afterAll(async () => {
    evaluation?.close();
    ingestion?.close();
    await svc?.close();
    await bus.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scores records ingested over gRPC that have ground truth but no performance', async () => {
    const res = await clientStream<unknown, { accepted: number; rejected: number }>(ingestion, 'IngestLogs', [
      {
        records: [
          {
            recordId: 'in-gsm',
            taskName: 'gsm8k',
            query: 'Tom has 3 bags of 6 apples. How many apples?',
            llm: 'model-a',
            response: 'So he has 18 apples.',
            groundTruth: '3 * 6 = 18\n#### 18',
            metric: 'GSM8K',
            judgeScore: 0.5,
          },
          {
            recordId: 'in-mbpp',
            taskName: 'mbpp',
            query: 'Write a function to find the shared elements of two tuples.',
            llm: 'model-a',
            response: MBPP_RIGHT,
            groundTruth: MBPP_GT,
            metric: 'code_eval',
            judgeScore: 0.4,
          },
          {
            recordId: 'in-given',
            taskName: 'gsm8k',
            query: 'What is 2 + 2?',
            llm: 'model-a',
            response: '4',
            groundTruth: '#### 4',
            metric: 'GSM8K',
            performance: 1,
          },
        ],
      },
    ]);
    expect(res).toMatchObject({ accepted: 3, rejected: 0 });
    await waitFor(() => scored.length >= 2, 20_000, 'ResponseScored for the ingested records');
    await waitFor(async () => (await repository.records('default')).length === 3, 10_000, 'the projection');
    const byRecord = new Map(scored.map((e) => [e.data.recordId, e]));
    expect(byRecord.get('in-gsm')).toMatchObject({
      causationId: logRecordedEventId('default', 'in-gsm'),
      data: { metric: 'gsm8k', performance: 1, source: 'computed' },
    });
    expect(byRecord.get('in-mbpp')?.data).toMatchObject({ metric: 'code_eval', performance: 1 });
    expect(byRecord.has('in-given')).toBe(false);
    expect(scored).toHaveLength(2);
  });

  it('RunBenchmark on a canonical JSONL file streams progress, then the table and both reports', async () => {
    const frames = await serverStream<object, BenchFrame>(evaluation, 'RunBenchmark', {
      dataPath: join(dir, 'synthetic.jsonl'),
      routers: ['knn', 'linear'],
      outDir: 'from-file',
    });
    const phases = [...new Set(frames.map((f) => f.phase))];
    expect(phases).toEqual([
      'loading',
      'building',
      'champion_selection',
      'final_evaluation',
      'report',
      'writing',
      'done',
    ]);
    const progress = frames.map((f) => f.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const last = frames[frames.length - 1] as BenchFrame;
    expect(frames.filter((f) => f.done)).toEqual([last]);
    expect(last.progress).toBe(1);
    for (const heading of [
      '=== performance_first',
      '=== balance',
      '=== cost_first',
      '--- task arithmetic',
      '--- task trivia',
    ]) {
      expect(last.table).toContain(heading);
    }
    expect(last.table).toMatch(/^knn /m);
    expect(last.table).toMatch(/^linear /m);
    expect(last.jsonPath).toBe(join(reportDir, 'from-file', 'report.json'));
    expect(last.htmlPath).toBe(join(reportDir, 'from-file', 'report.html'));
    expect(existsSync(last.htmlPath)).toBe(true);
    const report = JSON.parse(last.reportJson) as {
      dataset: { name: string; queries: number; test_queries: number; candidates: string[] };
      settings: { trainers: string[] };
    };
    expect(report.dataset).toMatchObject({ name: 'synthetic', queries: 24, test_queries: 8 });
    expect(report.dataset.candidates).toEqual(['big-model', 'math-model', 'tiny-model']);
    expect(report.settings.trainers).toEqual(['knn', 'linear']);
    expect(JSON.parse(readFileSync(last.jsonPath, 'utf8'))).toEqual(report);
  });

  it('RunBenchmark with an empty data_path reads the logs the pipeline projected', async () => {
    const imported = await serverStream<object, { done: boolean; accepted: number }>(
      ingestion,
      'ImportDataset',
      {
        path: join(dir, 'synthetic.jsonl'),
        tenant: 'bench',
      },
    );
    expect(imported.find((f) => f.done)?.accepted).toBe(72);
    await waitFor(
      async () => (await repository.records('bench')).length === 72,
      20_000,
      'the bench projection',
    );
    const frames = await serverStream<object, BenchFrame>(evaluation, 'RunBenchmark', {
      tenant: 'bench',
      routers: ['cheapest'],
    });
    const last = frames[frames.length - 1] as BenchFrame;
    expect(last).toMatchObject({ done: true, jsonPath: '', htmlPath: '' });
    const report = JSON.parse(last.reportJson) as {
      dataset: { name: string; queries: number; train_queries: number };
    };
    expect(report.dataset).toMatchObject({ name: 'store:bench', queries: 24, train_queries: 16 });
  });

  it('RunBenchmark without a split needs a seed, and says how to give one', async () => {
    await expect(
      serverStream(evaluation, 'RunBenchmark', {
        dataPath: join(dir, 'unsplit.jsonl'),
        routers: ['cheapest'],
      }),
    ).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: expect.stringMatching(
        /no usable train\/test split \(24 queries: 0 marked test, 0 train, 24 unmarked\) and no seed was given; supply one/,
      ),
    });
    const frames = await serverStream<object, BenchFrame>(evaluation, 'RunBenchmark', {
      dataPath: join(dir, 'unsplit.jsonl'),
      routers: ['cheapest'],
      seed: 7,
      testFraction: 0.25,
    });
    const report = JSON.parse(frames[frames.length - 1]?.reportJson ?? '{}') as {
      dataset: { split: unknown; test_queries: number };
    };
    expect(report.dataset.split).toEqual({ source: 'seeded', seed: 7, test_fraction: 0.25 });
    expect(report.dataset.test_queries).toBe(6);
  });

  it('refuses bad RunBenchmark input with INVALID_ARGUMENT naming the field', async () => {
    const data = join(dir, 'synthetic.jsonl');
    const cases: [object, RegExp][] = [
      [
        { dataPath: data, routers: ['nope'] },
        /^routers: unknown router kind 'nope'; supported: knn, mlp, linear, matrix_factorisation, graph, best_single, cheapest, random$/,
      ],
      [{ dataPath: data, outDir: '../outside' }, /^out_dir: must be inside the report directory/],
      [{ dataPath: data, scenarios: ['greedy'] }, /^scenarios\[0\]: unknown scenario "greedy"/],
      [{ dataPath: data, testFraction: 1.5 }, /^test_fraction: must be in \(0, 1\)/],
      [{ dataPath: data, format: 'xml' }, /^format: unknown format 'xml'/],
      [{ dataPath: join(dir, 'missing.jsonl') }, /^path: .*missing\.jsonl does not exist/],
    ];
    for (const [req, message] of cases) {
      await expect(serverStream(evaluation, 'RunBenchmark', req), JSON.stringify(req)).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: expect.stringMatching(message),
      });
    }
  });

  it('JudgeResponse without a configured judge is FAILED_PRECONDITION naming the variables', async () => {
    await expect(
      unary(evaluation, 'JudgeResponse', { query: 'q', groundTruth: 'a', response: 'a' }),
    ).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: expect.stringMatching(/no LLM judge is configured.*JUDGE_BASE_URL.*JUDGE_MODEL/),
    });
  });
});
