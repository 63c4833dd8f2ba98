import 'reflect-metadata';
import { status, type Client } from '@grpc/grpc-js';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ResponseJudged,
  ResponseScored,
  streamIdForQuery,
  streamIdForThoughtLibrary,
  type ThoughtTemplatesBuiltV1,
} from '@fusion/contracts';
import type { EventStore } from '@fusion/shared/event-store';
import { InProcessMessageBus } from '@fusion/shared/messaging';
import { DATA_SOURCE, EVENT_STORE, type RunningService } from '@fusion/shared/runtime';
import { startTestService, waitFor } from '@fusion/shared/testing';
import { clientStream, createGrpcClient, unary } from '@fusion/shared/transport';
// The spec hosts ingestion beside thought so records reach the projection through real LogRecorded events.
import { ingestionContext } from '@fusion/ingestion';
import { SYNTHETIC_QUERIES, syntheticRecords } from './__fixtures__/synthetic-log';
import { thoughtContext } from './thought.module';

interface Template {
  query: string;
  template: string;
  taskName: string;
  similarity: number;
  queryId: string;
  summarizer: string;
}
interface Retrieved {
  templates: Template[];
  augmentedPrompt: string;
  taskName: string;
}
interface Built {
  templates: number;
  tasks: number;
  buildId: string;
  summarizer: string;
  selection: string;
  failed: number;
}

describe('thought service (embedded backbone, ingestion feeding LogRecorded)', () => {
  let svc: RunningService;
  let thought: Client;
  let ingestion: Client;
  let ds: DataSource;
  let store: EventStore;
  const bus = new InProcessMessageBus();

  const rows = async (tenant: string): Promise<number> =>
    Number(
      (
        (await ds.query(`SELECT count(*)::int AS n FROM thought_responses WHERE tenant = $1`, [tenant])) as {
          n: number;
        }[]
      )[0]?.n,
    );
  const ingest = async (records: Record<string, unknown>[], tenant: string): Promise<void> => {
    const res = await clientStream<unknown, { accepted: number; rejected: number }>(ingestion, 'IngestLogs', [
      { records },
    ]);
    expect(res).toMatchObject({ accepted: records.length, rejected: 0 });
    await waitFor(async () => (await rows(tenant)) >= records.length, 10_000, 'thought projection');
  };

  beforeAll(async () => {
    svc = await startTestService([ingestionContext(), thoughtContext()], {
      bus,
      serviceName: 'fusion-thought',
    });
    ds = svc.app.get<DataSource>(DATA_SOURCE, { strict: false });
    store = svc.app.get<EventStore>(EVENT_STORE, { strict: false });
    thought = createGrpcClient(
      svc.grpcAddress,
      'fusion/thought/v1/thought.proto',
      'fusion.thought.v1.ThoughtService',
    );
    ingestion = createGrpcClient(
      svc.grpcAddress,
      'fusion/ingestion/v1/ingestion.proto',
      'fusion.ingestion.v1.IngestionService',
    );
  });
  afterAll(async () => {
    thought?.close();
    ingestion?.close();
    await svc?.close();
    await bus.close();
  });

  it('refuses to build without logs: FAILED_PRECONDITION saying how to get train-split logs', async () => {
    await expect(unary(thought, 'BuildTemplates', { selection: 'hybrid' })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: expect.stringMatching(/no log records for tenant 'default'.*split=train.*fusion import/),
    });
  });

  it('builds one extractive template per train query over both tasks and records ThoughtTemplatesBuilt', async () => {
    await ingest(syntheticRecords(), 'default');
    const built = await unary<unknown, Built>(thought, 'BuildTemplates', { selection: 'hybrid' });
    expect(built).toMatchObject({
      templates: 3,
      tasks: 2,
      summarizer: 'extractive-v1',
      selection: 'hybrid',
      failed: 0,
    });

    const stored = (await ds.query(
      `SELECT task_name, query, template, summarizer, metadata FROM thought_templates WHERE tenant = 'default' ORDER BY task_name, query`,
    )) as {
      task_name: string;
      query: string;
      template: string;
      summarizer: string;
      metadata: { summarizer: string; sources: { llm: string }[] };
    }[];
    expect(stored.map((s) => s.query)).toEqual([
      'A train travels 60 km per hour for 2 hours. How far does it go?',
      'Tom has 3 boxes with 4 apples each. How many apples does he have?',
      'Which planet is known as the Red Planet?\nA. Venus\nB. Mars\nC. Jupiter\nD. Saturn',
    ]);
    expect(
      stored.every((s) => s.summarizer === 'extractive-v1' && s.metadata.summarizer === 'extractive-v1'),
    ).toBe(true);
    expect(stored[2]?.template).toMatch(/^Problem type: a mmlu question/);
    expect(stored[2]?.template).toMatch(/option letter in parentheses/);
    // Hybrid on the Tom query: perf top 5 (a, a:think, b, b:think, d ...) re-sorted by judge: model-a first.
    expect(stored[1]?.metadata.sources.map((s) => s.llm)).toEqual(['model-a', 'model-a', 'model-b']);

    const events = await store.readStream(streamIdForThoughtLibrary('default'));
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({
      buildId: built.buildId,
      templates: 3,
      tasks: ['gsm8k', 'mmlu'],
      summarizer: 'extractive-v1',
    } satisfies Partial<ThoughtTemplatesBuiltV1>);
  });

  it('retrieves the template of the similar query first and builds the §4.2 prompt with them in order', async () => {
    const query = 'Tom has 7 boxes with 4 apples each. How many apples does Tom have in total?';
    const res = await unary<unknown, Retrieved>(thought, 'RetrieveThoughts', { query });
    expect(res.taskName).toBe('gsm8k');
    expect(res.templates).toHaveLength(2);
    expect(res.templates[0]?.query).toBe(SYNTHETIC_QUERIES[0]?.query);
    expect(res.templates[0]!.similarity).toBeGreaterThan(res.templates[1]!.similarity);
    const p = res.augmentedPrompt;
    expect(p.startsWith('Here are some similar questions and guidelines in how to solve them:')).toBe(true);
    const at = (s: string): number => p.indexOf(s);
    const order = [
      `Question1: ${res.templates[0]!.query}`,
      `Thought Template 1: ${res.templates[0]!.template}`,
      `Question2: ${res.templates[1]!.query}`,
      `Thought Template 2: ${res.templates[1]!.template}`,
      `Now, please solve the following question:\n${query}`,
      '<answer></answer>',
    ].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('takes the task hint and top_k', async () => {
    const res = await unary<unknown, Retrieved>(thought, 'RetrieveThoughts', {
      query: 'Tom has apples',
      taskHint: 'MMLU',
      topK: 1,
    });
    expect(res.taskName).toBe('mmlu');
    expect(res.templates.map((t) => t.taskName)).toEqual(['mmlu']);
  });

  it('answers bad input with INVALID_ARGUMENT naming the field', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['BuildTemplates', { selection: 'best' }, /selection: unknown selection 'best'/],
      ['BuildTemplates', { queriesPerTask: -2 }, /queries_per_task: must be between/],
      ['RetrieveThoughts', { query: '   ' }, /query: is empty/],
      ['RetrieveThoughts', { query: 'x', topK: 51 }, /top_k: must be between 1 and 50/],
      [
        'RetrieveThoughts',
        { query: 'x', taskHint: 'poetry' },
        /task_hint: no thought templates for task 'poetry'; tasks with templates: gsm8k, mmlu/,
      ],
    ];
    for (const [method, req, details] of cases) {
      await expect(unary(thought, method, req)).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: expect.stringMatching(details),
      });
    }
  });

  it('fills judge scores from ResponseJudged (and scores from ResponseScored), and the judge selection follows them', async () => {
    const tenant = 'judged';
    const tom = SYNTHETIC_QUERIES.slice(0, 1);
    const records = syntheticRecords(tom, tenant);
    await ingest(records, tenant);
    const queryId = (
      (await ds.query(`SELECT DISTINCT query_id FROM thought_responses WHERE tenant = $1`, [tenant])) as {
        query_id: string;
      }[]
    )[0]!.query_id;
    const recordOf = async (
      id: string,
    ): Promise<{ record_id: string; performance: number; judge_score: number | null }> =>
      (
        (await ds.query(
          `SELECT record_id, performance, judge_score FROM thought_responses WHERE tenant = $1 AND record_id = $2`,
          [tenant, id],
        )) as {
          record_id: string;
          performance: number;
          judge_score: number | null;
        }[]
      )[0]!;
    await store.append({
      streamId: streamIdForQuery(tenant, queryId),
      expectedVersion: 'any',
      events: [
        {
          type: ResponseJudged.type,
          tenant,
          data: {
            recordId: 'syn-0-model-c-direct',
            queryId,
            status: 'judged',
            score: 1,
            judgeModel: 'j',
            promptVersion: 'v1',
            rawOutput: null,
            error: null,
          },
        },
        {
          type: ResponseJudged.type,
          tenant,
          data: {
            recordId: 'syn-0-model-a-direct',
            queryId,
            status: 'not_judged',
            score: null,
            judgeModel: 'j',
            promptVersion: 'v1',
            rawOutput: null,
            error: 'timeout',
          },
        },
        {
          type: ResponseScored.type,
          tenant,
          data: {
            recordId: 'syn-0-model-c-direct',
            queryId,
            taskName: 'gsm8k',
            llm: 'model-c',
            promptMode: 'direct',
            metric: 'GSM8K',
            performance: 0.5,
            source: 'computed',
            reason: null,
            metricVariant: null,
          },
        },
      ],
    });
    await waitFor(
      async () => (await recordOf('syn-0-model-c-direct')).judge_score === 1,
      10_000,
      'judge score projected',
    );
    expect(await recordOf('syn-0-model-c-direct')).toMatchObject({ performance: 0.5, judge_score: 1 });
    // not_judged never overwrites a score with a 0.
    expect((await recordOf('syn-0-model-a-direct')).judge_score).toBe(0.9);

    await unary(thought, 'BuildTemplates', { tenant, selection: 'judge' });
    const [t] = (await ds.query(`SELECT metadata FROM thought_templates WHERE tenant = $1`, [tenant])) as {
      metadata: { sources: { recordId: string }[] };
    }[];
    expect(t?.metadata.sources.map((s) => s.recordId)).toEqual([
      'syn-0-model-c-direct',
      'syn-0-model-a-direct',
      'syn-0-model-a-think',
    ]);
  });

  it('rebuilds replace the library and the next retrieval sees the new one (cache refreshed)', async () => {
    const before = await unary<unknown, Retrieved>(thought, 'RetrieveThoughts', {
      query: 'Which planet is red?',
      taskHint: 'mmlu',
    });
    const rebuilt = await unary<unknown, Built>(thought, 'BuildTemplates', {
      selection: 'performance',
      queriesPerTask: 1,
    });
    expect(rebuilt).toMatchObject({ templates: 2, tasks: 2, selection: 'performance' });
    const after = await unary<unknown, Retrieved>(thought, 'RetrieveThoughts', {
      query: 'A train goes fast',
      taskHint: 'gsm8k',
    });
    expect(before.templates).toHaveLength(1);
    // queriesPerTask 1 keeps the first gsm8k query in sorted order only.
    expect(after.templates.map((t) => t.query)).toEqual([
      'A train travels 60 km per hour for 2 hours. How far does it go?',
    ]);
    expect(await store.readStream(streamIdForThoughtLibrary('default'))).toHaveLength(2);
  });

  it('says when a tenant has logs but none in the train split', async () => {
    const tenant = 'testonly';
    await ingest(
      syntheticRecords(
        SYNTHETIC_QUERIES.filter((q) => q.split === 'test'),
        tenant,
      ),
      tenant,
    );
    await expect(unary(thought, 'BuildTemplates', { tenant })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: expect.stringMatching(/has 2 log records but none in the train split/),
    });
    const res = await unary<unknown, Retrieved>(thought, 'RetrieveThoughts', { tenant, query: 'anything' });
    expect(res).toMatchObject({ templates: [], augmentedPrompt: 'anything', taskName: '' });
  });
});
