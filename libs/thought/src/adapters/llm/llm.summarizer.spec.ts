import 'reflect-metadata';
import { status, type Client } from '@grpc/grpc-js';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamIdForThoughtLibrary } from '@fusion/contracts';
import type { EventStore } from '@fusion/shared/event-store';
import { InProcessMessageBus } from '@fusion/shared/messaging';
import { DATA_SOURCE, EVENT_STORE, type RunningService } from '@fusion/shared/runtime';
import { startFakeOpenAi, startTestService, waitFor, type FakeOpenAiServer } from '@fusion/shared/testing';
import { clientStream, createGrpcClient, unary } from '@fusion/shared/transport';
import { ingestionContext } from '@fusion/ingestion';
import { SYNTHETIC_QUERIES, syntheticRecords, type SyntheticQuery } from '../__fixtures__/synthetic-log';
import { thoughtContext } from '../thought.module';

const MODEL = 'fake-summarizer';

describe('LLM summariser (real OpenAI-compatible HTTP server scripted by the test)', () => {
  let fake: FakeOpenAiServer;
  let svc: RunningService;
  let thought: Client;
  let ingestion: Client;
  let ds: DataSource;
  let store: EventStore;
  const bus = new InProcessMessageBus();

  const ingest = async (records: Record<string, unknown>[], tenant: string): Promise<void> => {
    await clientStream(ingestion, 'IngestLogs', [{ records }]);
    await waitFor(
      async () =>
        Number(
          (
            (await ds.query(`SELECT count(*)::int AS n FROM thought_responses WHERE tenant = $1`, [
              tenant,
            ])) as { n: number }[]
          )[0]?.n,
        ) >= records.length,
      10_000,
      'thought projection',
    );
  };

  beforeAll(async () => {
    fake = await startFakeOpenAi({
      apiKey: 'sk-test',
      scripts: {
        [MODEL]: { kind: 'fn', fn: (req) => `Template #${req.seq}: multiply, then report the number.` },
      },
    });
    svc = await startTestService(
      [
        ingestionContext(),
        thoughtContext({
          summarizer: {
            baseUrl: fake.url,
            model: MODEL,
            apiKey: 'sk-test',
            retry: { maxAttempts: 1, baseDelayMs: 0, jitterMs: 0 },
          },
          summarizerConcurrency: 1,
        }),
      ],
      { bus, serviceName: 'fusion-thought' },
    );
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
    await ingest(syntheticRecords(SYNTHETIC_QUERIES.filter((q) => q.taskName === 'gsm8k')), 'default');
  });
  afterAll(async () => {
    thought?.close();
    ingestion?.close();
    await svc?.close();
    await bus.close();
    await fake?.stop();
  });

  it('sends the paper-intent prompt (question, selected solutions best first, "Thought Template:") with max_tokens 1024, temperature 0.2', async () => {
    fake.reset();
    const built = await unary<unknown, { templates: number; summarizer: string }>(thought, 'BuildTemplates', {
      selection: 'hybrid',
    });
    expect(built).toMatchObject({ templates: 2, summarizer: `llm:${MODEL}` });
    const calls = fake.requestsFor(MODEL);
    expect(calls).toHaveLength(2);
    const tom = calls.find((c) => c.lastUserMessage?.includes('Tom has 3 boxes'));
    expect(tom?.body).toMatchObject({ model: MODEL, max_tokens: 1024, temperature: 0.2 });
    expect(tom?.body?.['messages']).toHaveLength(1);
    const prompt = tom?.lastUserMessage ?? '';
    expect(prompt).toContain('Question:\nTom has 3 boxes with 4 apples each. How many apples does he have?');
    expect(prompt).not.toContain("Let's think step by step");
    // Hybrid picks model-a (judge 0.9) first, then its think row, then model-b.
    expect(prompt).toContain(`Solution 1:\n${SYNTHETIC_QUERIES[0]!.answers['model-a']![0]}`);
    expect(prompt).toContain('Solution 3:\nMultiply boxes by apples per box: 12.');
    expect(prompt).not.toContain('Solution 4:');
    expect(prompt.trimEnd().endsWith('Thought Template:')).toBe(true);

    const stored = (await ds.query(
      `SELECT template, summarizer FROM thought_templates WHERE tenant = 'default' ORDER BY template`,
    )) as {
      template: string;
      summarizer: string;
    }[];
    expect(stored.map((s) => s.summarizer)).toEqual([`llm:${MODEL}`, `llm:${MODEL}`]);
    expect(stored.every((s) => /^Template #\d+: multiply, then report the number\.$/.test(s.template))).toBe(
      true,
    );
  });

  it('fails the build with a clear error when the summariser fails (no fallback), keeping the previous library', async () => {
    fake.script(MODEL, { kind: 'always_fail', status: 503, message: 'model is loading' });
    try {
      await expect(unary(thought, 'BuildTemplates', {})).rejects.toMatchObject({
        code: status.UNAVAILABLE,
        details: expect.stringMatching(
          /thought summariser llm:fake-summarizer failed for 2 of 2 queries .*nothing was stored.*model is loading/,
        ),
      });
      fake.script(MODEL, { kind: 'reply', text: '  Thought Template:   ' });
      await expect(unary(thought, 'BuildTemplates', {})).rejects.toMatchObject({
        details: expect.stringMatching(/empty thought template/),
      });
    } finally {
      fake.script(MODEL, { kind: 'reply', text: 'Fresh template.' });
    }
    expect(await store.readStream(streamIdForThoughtLibrary('default'))).toHaveLength(1);
    const stored = (await ds.query(`SELECT template FROM thought_templates WHERE tenant = 'default'`)) as {
      template: string;
    }[];
    expect(stored.every((s) => s.template.startsWith('Template #'))).toBe(true);
  });

  it('tolerates up to 10% failed summaries (paper §4.1 step 7) and reports them', async () => {
    const tenant = 'many';
    const queries: SyntheticQuery[] = Array.from({ length: 11 }, (_, i) => ({
      taskName: 'gsm8k',
      query: `What is ${i} plus ${i}?`,
      groundTruth: `#### ${2 * i}`,
      metric: 'GSM8K',
      split: 'train',
      answers: { 'model-a': [`${i} + ${i} = ${2 * i}`, 1, 1, 0.001] },
    }));
    await ingest(syntheticRecords(queries, tenant), tenant);
    fake.script(MODEL, {
      kind: 'fn',
      fn: (req) =>
        req.lastUserMessage?.includes('What is 7 plus 7?')
          ? { kind: 'always_fail', status: 400, message: 'context too long' }
          : 'Add the numbers.',
    });
    const built = await unary<unknown, { templates: number; failed: number }>(thought, 'BuildTemplates', {
      tenant,
    });
    expect(built).toMatchObject({ templates: 10, failed: 1 });
  });
});
