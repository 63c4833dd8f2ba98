import 'reflect-metadata';
import { status, type Client } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LogRecorded,
  streamIdForQuery,
  Topics,
  type EventEnvelope,
  type LogRecord,
  type ResponseJudgedV1,
  type ResponseScoredV1,
} from '@fusion/contracts';
import type { DataSource } from 'typeorm';
import { uuidFromName } from '@fusion/shared/kernel';
import { InProcessMessageBus } from '@fusion/shared/messaging';
import { DATA_SOURCE, type RunningService } from '@fusion/shared/runtime';
import {
  startFakeOpenAi,
  startTestService,
  waitFor,
  type FakeOpenAiServer,
  type FakeRequest,
  type FakeScript,
} from '@fusion/shared/testing';
import { createGrpcClient, serverStream, unary } from '@fusion/shared/transport';
import { responseJudgedEvent } from '../application/scoring-pipeline/scoring-events';
import type { ScoringRepository } from '../application/scoring-pipeline/scoring-pipeline.port';
import { subjectOf } from '../application/scoring-pipeline/scoring-plan';
import { evaluationContext } from './evaluation.module';
import { SCORING_REPOSITORY } from './evaluation.tokens';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const MBPP_GT =
  "['assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)', 'assert similar_elements((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)']";
const MBPP_RIGHT = '[BEGIN]\ndef similar_elements(a, b):\n    return tuple(sorted(set(a) & set(b)))\n[DONE]';
const MBPP_WRONG = '[BEGIN]\ndef similar_elements(a, b):\n    return tuple(set(a) | set(b))\n[DONE]';

function record(recordId: string, over: Partial<LogRecord> = {}): LogRecord {
  return {
    recordId,
    tenant: 'default',
    taskName: 'gsm8k',
    taskDomain: 'math',
    queryId: `q-${recordId}`,
    query: 'Tom has 3 bags of 6 apples. How many apples?',
    promptMode: 'direct',
    llm: 'model-a',
    response: 'The answer is 18.',
    groundTruth: 'He has 3 * 6 = 18 apples.\n#### 18',
    metric: 'GSM8K',
    performance: null,
    judgeScore: null,
    inputTokens: 10,
    outputTokens: 5,
    inputPrice: null,
    outputPrice: null,
    costUsd: 0.0001,
    latencyMs: null,
    split: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    metadata: {},
    ...over,
  };
}

function envelope(r: LogRecord): EventEnvelope<{ record: LogRecord }> {
  return {
    eventId: uuidFromName(`LogRecorded/${r.tenant}/${r.recordId}`),
    type: LogRecorded.type,
    schemaVersion: 1,
    streamId: streamIdForQuery(r.tenant, r.queryId),
    streamVersion: 1,
    occurredAt: '2026-01-01T00:00:00.000Z',
    tenant: r.tenant,
    causationId: null,
    correlationId: `corr-${r.recordId}`,
    source: 'spec',
    traceparent: TRACEPARENT,
    data: { record: r },
  };
}

// The fake judge answers by the response under judgement, read back out of the judge prompt.
function responseIn(req: FakeRequest): string {
  return /\nResponse:\n([\s\S]*?)\n\nReply with/.exec(req.lastUserMessage ?? '')?.[1] ?? '';
}
const RATE_LIMITED_ONCE: FakeScript = {
  kind: 'fail',
  status: 429,
  times: 1,
  then: { kind: 'reply', text: '<answer>0.6</answer>' },
};
const MALFORMED: FakeScript = { kind: 'malformed_json' };
const judgeScript: FakeScript = {
  kind: 'fn',
  fn: (req) => {
    const response = responseIn(req);
    if (response === 'The answer is 17.') return 'I think it is wrong, but I will not say how wrong.';
    if (response === 'RATE-LIMITED 18') return RATE_LIMITED_ONCE;
    if (response === 'MALFORMED 18') return MALFORMED;
    return '<answer>0.8</answer>';
  },
};

describe('evaluation service: scoring pipeline and RPCs (embedded backbone, real sandbox, fake judge)', () => {
  let svc: RunningService;
  let client: Client;
  let fake: FakeOpenAiServer;
  let repository: ScoringRepository;
  const bus = new InProcessMessageBus();
  const scored: EventEnvelope<ResponseScoredV1>[] = [];
  const judged: EventEnvelope<ResponseJudgedV1>[] = [];
  const scoredFor = (id: string) => scored.filter((e) => e.data.recordId === id);
  const judgedFor = (id: string) => judged.filter((e) => e.data.recordId === id);

  const records = {
    gsm: record('gsm'),
    gsmWrong: record('gsm-wrong', { response: 'The answer is 17.' }),
    mbpp: record('mbpp', {
      taskName: 'mbpp',
      taskDomain: 'code',
      metric: 'code_eval',
      groundTruth: MBPP_GT,
      response: MBPP_RIGHT,
      metadata: { taskId: 2 },
      judgeScore: 0.9,
    }),
    mbppWrong: record('mbpp-wrong', {
      taskName: 'mbpp',
      taskDomain: 'code',
      metric: 'code_eval',
      groundTruth: MBPP_GT,
      response: MBPP_WRONG,
      judgeScore: 0.1,
    }),
    unknown: record('unknown', { metric: 'bleu', judgeScore: 0.5 }),
    given: record('given', { performance: 1, judgeScore: 0.7 }),
    givenUnjudged: record('given-unjudged', { performance: 0.5, response: 'RATE-LIMITED 18' }),
    malformed: record('malformed', { performance: 1, response: 'MALFORMED 18' }),
  };

  beforeAll(async () => {
    fake = await startFakeOpenAi({ scripts: { 'judge-m': judgeScript } });
    svc = await startTestService(
      [
        evaluationContext({
          judge: {
            baseUrl: fake.url,
            model: 'judge-m',
            concurrency: 4,
            retryBaseDelayMs: 5,
            retryJitterMs: 0,
            minIntervalMs: 0,
          },
          sandbox: { enabled: true, concurrency: 2, limits: { timeoutMs: 2000 } },
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
    await bus.subscribe({
      groupId: 'spec-judged',
      topics: [Topics.ResponsesJudged],
      handler: async (m) =>
        void judged.push(JSON.parse(m.value.toString()) as EventEnvelope<ResponseJudgedV1>),
    });
    client = createGrpcClient(
      svc.grpcAddress,
      'fusion/evaluation/v1/evaluation.proto',
      'fusion.evaluation.v1.EvaluationService',
    );
    await bus.publish(
      Object.values(records).map((r) => {
        const env = envelope(r);
        return { topic: Topics.LogsRecorded, key: env.streamId, value: JSON.stringify(env) };
      }),
    );
    await waitFor(() => scored.length >= 5 && judged.length >= 4, 20_000, 'scores and verdicts');
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await svc?.close();
    await bus.close();
    await fake?.stop();
  });

  it('scores a GSM8K response inline and says why a wrong one got 0', () => {
    const [right] = scoredFor('gsm');
    expect(right?.data).toEqual({
      recordId: 'gsm',
      queryId: 'q-gsm',
      taskName: 'gsm8k',
      llm: 'model-a',
      promptMode: 'direct',
      metric: 'gsm8k',
      performance: 1,
      source: 'computed',
      reason: null,
      metricVariant: 'fixed',
    });
    const [wrong] = scoredFor('gsm-wrong');
    expect(wrong?.data).toMatchObject({ performance: 0, metric: 'gsm8k' });
    expect(wrong?.data.reason).toMatch(/17/);
  });

  it('runs MBPP code in the real sandbox', () => {
    expect(scoredFor('mbpp')[0]?.data).toMatchObject({ metric: 'code_eval', performance: 1, reason: null });
    const wrong = scoredFor('mbpp-wrong')[0]?.data;
    expect(wrong).toMatchObject({ metric: 'code_eval', performance: 0 });
    expect(wrong?.reason).toMatch(/^AssertionError/);
  });

  it('records an unknown metric as not scored with the reason, instead of failing', () => {
    const e = scoredFor('unknown')[0]?.data;
    expect(e).toMatchObject({ metric: 'bleu', performance: null, metricVariant: null });
    expect(e?.reason).toMatch(/unknown metric "bleu"; supported: em, cem, em_mc, f1, gsm8k, math, code_eval/);
  });

  it('emits no ResponseScored for records that give their performance', () => {
    expect(scoredFor('given')).toEqual([]);
    expect(scoredFor('given-unjudged')).toEqual([]);
    expect(scoredFor('malformed')).toEqual([]);
    expect(scored.map((e) => e.data.recordId).sort()).toEqual([
      'gsm',
      'gsm-wrong',
      'mbpp',
      'mbpp-wrong',
      'unknown',
    ]);
  });

  it('gives events deterministic ids, the query stream, the causing event and its trace context', () => {
    const e = scoredFor('gsm')[0];
    expect(e).toMatchObject({
      eventId: uuidFromName('ResponseScored/default/gsm'),
      type: 'ResponseScored',
      streamId: 'evaluation-default-q-gsm',
      causationId: uuidFromName('LogRecorded/default/gsm'),
      correlationId: 'corr-gsm',
      traceparent: TRACEPARENT,
      source: 'fusion-evaluation',
    });
    const j = judgedFor('gsm')[0];
    expect(j).toMatchObject({
      eventId: uuidFromName('ResponseJudged/default/gsm'),
      streamId: 'evaluation-default-q-gsm',
      causationId: uuidFromName('LogRecorded/default/gsm'),
      traceparent: TRACEPARENT,
    });
  });

  it('judges records without a judge score, keeping model, prompt version and raw output', () => {
    expect(judged.map((e) => e.data.recordId).sort()).toEqual([
      'given-unjudged',
      'gsm',
      'gsm-wrong',
      'malformed',
    ]);
    expect(judgedFor('gsm')[0]?.data).toEqual({
      recordId: 'gsm',
      queryId: 'q-gsm',
      status: 'judged',
      score: 0.8,
      judgeModel: 'judge-m',
      promptVersion: 'fusion-judge-rubric-v1',
      rawOutput: '<answer>0.8</answer>',
      error: null,
    });
  });

  it('records a reply without a parsable score as not judged, never 0, with the raw text kept', () => {
    const v = judgedFor('gsm-wrong')[0]?.data;
    expect(v).toMatchObject({
      status: 'not_judged',
      score: null,
      rawOutput: 'I think it is wrong, but I will not say how wrong.',
    });
    expect(v?.error).toMatch(/^unparseable_output/);
  });

  it('keeps the body of a malformed server reply and marks it not judged', () => {
    const v = judgedFor('malformed')[0]?.data;
    expect(v).toMatchObject({ status: 'not_judged', score: null });
    expect(v?.error).toMatch(/^call_failed \(malformed_response\)/);
    expect(v?.rawOutput).toContain('choices');
  });

  it('retries a 429 and then records the verdict', () => {
    expect(judgedFor('given-unjudged')[0]?.data).toMatchObject({ status: 'judged', score: 0.6 });
    expect(fake.requestsFor('judge-m').filter((r) => responseIn(r) === 'RATE-LIMITED 18')).toHaveLength(2);
  });

  it('keeps results for lookups and the scored-log projection for the benchmark', async () => {
    await waitFor(async () => (await repository.pendingJobs()).judge === 0, 10_000, 'the job queue to drain');
    expect(await repository.pendingJobs()).toEqual({ score: 0, judge: 0 });
    expect(await repository.scoreOf('default', 'mbpp')).toMatchObject({
      metric: 'code_eval',
      variant: 'fixed',
      performance: 1,
      reason: null,
      judgeStatus: null,
    });
    expect(await repository.scoreOf('default', 'gsm-wrong')).toMatchObject({
      performance: 0,
      judgeStatus: 'not_judged',
      judgeScore: null,
      judgeModel: 'judge-m',
      judgePromptVersion: 'fusion-judge-rubric-v1',
      judgeRawOutput: 'I think it is wrong, but I will not say how wrong.',
    });
    expect(await repository.scoreOf('default', 'given')).toBeNull();
    const projected = new Map((await repository.records('default')).map((r) => [r.recordId, r]));
    expect(projected.size).toBe(Object.keys(records).length);
    expect(projected.get('gsm')).toMatchObject({
      performance: 1,
      judgeScore: 0.8,
      taskName: 'gsm8k',
      costUsd: 0.0001,
    });
    expect(projected.get('mbpp')).toMatchObject({ performance: 1, judgeScore: 0.9 });
    expect(projected.get('unknown')?.performance).toBeNull();
    expect(projected.get('given-unjudged')).toMatchObject({ performance: 0.5, judgeScore: 0.6 });
    expect(projected.get('gsm-wrong')?.judgeScore).toBeNull();
  });

  it('ignores a redelivered LogRecorded: no second event', async () => {
    const again = envelope(records.gsm);
    const sentinel = envelope(record('sentinel', { queryId: records.gsm.queryId }));
    // Same key, so the sentinel is consumed after the replay.
    await bus.publish([
      { topic: Topics.LogsRecorded, key: again.streamId, value: JSON.stringify(again) },
      { topic: Topics.LogsRecorded, key: sentinel.streamId, value: JSON.stringify(sentinel) },
    ]);
    await waitFor(
      () => scoredFor('sentinel').length === 1 && judgedFor('sentinel').length === 1,
      10_000,
      'the sentinel',
    );
    expect(scoredFor('gsm')).toHaveLength(1);
    expect(judgedFor('gsm')).toHaveLength(1);
    expect(fake.requestsFor('judge-m').filter((r) => responseIn(r) === records.gsm.response)).toHaveLength(2); // gsm + sentinel
  });

  it('stores a queued result only under the lease that computed it, once', async () => {
    const ds = svc.app.get<DataSource>(DATA_SOURCE, { strict: false });
    const subject = { ...subjectOf(record('lease')), response: 'leased answer' };
    const origin = {
      eventId: uuidFromName('LogRecorded/default/lease'),
      correlationId: 'c-lease',
      traceparent: TRACEPARENT,
      tracestate: null,
    };
    // A job another worker holds for an hour, so the running workers leave it alone.
    await ds.query(
      `INSERT INTO evaluation_jobs (tenant, record_id, kind, subject, causation_id, correlation_id, attempts, claim_token, claimed_until)
       VALUES ('default', 'lease', 'judge', $1, $2, 'c-lease', 1, 'live', now() + interval '1 hour')`,
      [JSON.stringify(subject), origin.eventId],
    );
    const verdict = {
      status: 'judged' as const,
      score: 0.25,
      judgeModel: 'judge-m',
      promptVersion: 'fusion-judge-rubric-v1',
      rawOutput: '<answer>0.25</answer>',
      error: null,
      attempts: 1,
    };
    const result = {
      kind: 'judge' as const,
      subject,
      origin,
      verdict,
      at: new Date().toISOString(),
      event: responseJudgedEvent(subject, verdict, origin),
    };
    const job = (claimToken: string) => ({
      kind: 'judge' as const,
      subject,
      origin,
      attempts: 1,
      claimToken,
    });
    expect(await repository.complete(job('stale'), result)).toBe(false);
    expect(await repository.complete(job('live'), result)).toBe(true);
    expect(await repository.complete(job('live'), result)).toBe(false);
    await waitFor(() => judgedFor('lease').length === 1, 5000, 'the leased verdict');
    await new Promise((r) => setTimeout(r, 300));
    expect(judgedFor('lease').map((e) => e.data.score)).toEqual([0.25]);
    expect(await repository.scoreOf('default', 'lease')).toMatchObject({
      judgeStatus: 'judged',
      judgeScore: 0.25,
    });
  });

  it('answers ScoreResponse with the metric, running code in the sandbox', async () => {
    const gsm = await unary<
      object,
      { performance?: number; reason: string; metric: string; variant: string }
    >(client, 'ScoreResponse', {
      metric: 'GSM8K',
      response: 'so 18',
      groundTruth: '#### 18',
      taskName: 'gsm8k',
    });
    // proto3 `optional` fields come with a synthetic oneof key from proto-loader, so compare the fields.
    expect(gsm).toMatchObject({ performance: 1, reason: '', metric: 'gsm8k', variant: 'fixed' });
    const code = await unary<object, { performance?: number; reason: string }>(client, 'ScoreResponse', {
      metric: 'code_eval',
      response: MBPP_WRONG,
      groundTruth: MBPP_GT,
      taskName: 'mbpp',
    });
    expect(code.performance).toBe(0);
    expect(code.reason).toMatch(/^AssertionError/);
    const unscorable = await unary<object, { performance?: number; reason: string }>(
      client,
      'ScoreResponse',
      {
        metric: 'MATH',
        response: '\\boxed{1}',
        groundTruth: 'no box here',
        taskName: 'math',
      },
    );
    expect(unscorable.performance).toBeUndefined();
    expect(unscorable.reason).toMatch(/no \\boxed\{\} answer/);
  });

  it('refuses an unknown metric or variant with INVALID_ARGUMENT naming the supported ones', async () => {
    await expect(
      unary(client, 'ScoreResponse', { metric: 'bleu', response: 'x', groundTruth: 'x', taskName: 't' }),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(
        /unknown metric "bleu"; supported: em, cem, em_mc, f1, gsm8k, math, code_eval/,
      ),
    });
    await expect(unary(client, 'ScoreResponse', { response: 'x', groundTruth: 'x' })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/^metric: is required; supported: em, cem/),
    });
    await expect(
      unary(client, 'ScoreResponse', { metric: 'em', variant: 'v2', response: 'x', groundTruth: 'x' }),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/^variant: .*supported: fixed, paper/),
    });
  });

  it('answers JudgeResponse with the verdict, and INVALID_ARGUMENT for an empty query', async () => {
    const v = await unary<object, Record<string, unknown>>(client, 'JudgeResponse', {
      query: 'What is 6 x 3?',
      groundTruth: '18',
      response: 'It is 18.',
    });
    expect(v).toMatchObject({
      status: 'judged',
      score: 0.8,
      judgeModel: 'judge-m',
      promptVersion: 'fusion-judge-rubric-v1',
      rawOutput: '<answer>0.8</answer>',
      error: '',
    });
    await expect(unary(client, 'JudgeResponse', { query: '', response: 'x' })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/^query: must be a non-empty string/),
    });
  });

  it('lists the metrics with their variants', async () => {
    const res = await unary<object, { metrics: { name: string; variants: string[]; description: string }[] }>(
      client,
      'ListMetrics',
      {},
    );
    expect(res.metrics.map((m) => m.name)).toEqual([
      'em',
      'cem',
      'em_mc',
      'f1',
      'gsm8k',
      'math',
      'code_eval',
    ]);
    for (const m of res.metrics) {
      expect(m.variants).toEqual(['fixed', 'paper']);
      expect(m.description.length).toBeGreaterThan(10);
    }
  });

  it('RunBenchmark on stored logs without a split or seed fails with how to supply one', async () => {
    await expect(serverStream(client, 'RunBenchmark', { tenant: 'default' })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: expect.stringMatching(
        /no usable train\/test split .* and no seed was given; supply one: set split/,
      ),
    });
    await expect(serverStream(client, 'RunBenchmark', { tenant: 'nobody' })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: expect.stringMatching(/tenant nobody has no logs in the evaluation store yet/),
    });
    // This process hosts no router trainers and no file importers (only a composition root wires them in).
    await expect(
      serverStream(client, 'RunBenchmark', { tenant: 'default', routers: ['knn'] }),
    ).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: expect.stringMatching(/hosts no routing strategies/),
    });
    await expect(serverStream(client, 'RunBenchmark', { dataPath: '/tmp' })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: expect.stringMatching(/reads no log files/),
    });
  });
});
