import { OpenAiCompatibleChatBackend } from '@fusion/shared/llm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startFakeOpenAi,
  type FakeRequest,
  type FakeScript,
  type FakeOpenAiServer,
} from '@fusion/shared/testing';
import type { JudgeInput } from '../../domain/judge/judge.prompt';
import { JudgeService, type JudgeServiceOptions } from './judge.service';

/** The response under judgement, read back out of the judge prompt. */
function responseIn(req: FakeRequest): string {
  const prompt = req.lastUserMessage ?? '';
  const m = /\nResponse:\n([\s\S]*?)\n\nReply with/.exec(prompt);
  return m?.[1] ?? '';
}

// Script objects are module constants so the fake's per-object counters persist across requests.
const MALFORMED: FakeScript = { kind: 'malformed_json' };
const NO_CHOICES: FakeScript = { kind: 'missing_choices' };
const RATE_LIMITED_TWICE: FakeScript = {
  kind: 'fail',
  status: 429,
  times: 2,
  retryAfterS: 1,
  then: { kind: 'reply', text: '<answer>0.6</answer>' },
};
const SERVER_ERROR_ONCE: FakeScript = {
  kind: 'fail',
  status: 500,
  times: 1,
  then: { kind: 'reply', text: '<answer>1.0</answer>' },
};
const ALWAYS_500: FakeScript = { kind: 'always_fail', status: 500 };
const ALWAYS_400: FakeScript = { kind: 'always_fail', status: 400, message: 'prompt too long' };
const CLOSE: FakeScript = { kind: 'close_socket' };
const FLIP: FakeScript = {
  kind: 'sequence',
  steps: [
    { kind: 'reply', text: 'I think it is fine.' },
    { kind: 'reply', text: '<answer>0.3</answer>' },
  ],
};

const judgeScript: FakeScript = {
  kind: 'fn',
  fn: (req) => {
    switch (responseIn(req)) {
      case 'R-good':
        return '<answer>0.8</answer>';
      case 'R-wrong':
        return 'The response is wrong. <answer>0</answer>';
      case 'R-clamp':
        return '<answer>1.7</answer>';
      case 'R-prose':
        return 'A solid answer with clear reasoning.';
      case 'R-words':
        return '<answer>excellent</answer>';
      case 'R-malformed':
        return MALFORMED;
      case 'R-nochoices':
        return NO_CHOICES;
      case 'R-429':
        return RATE_LIMITED_TWICE;
      case 'R-500-once':
        return SERVER_ERROR_ONCE;
      case 'R-500':
        return ALWAYS_500;
      case 'R-400':
        return ALWAYS_400;
      case 'R-close':
        return CLOSE;
      case 'R-flip':
        return FLIP;
      default:
        return '<answer>0.5</answer>';
    }
  },
};

const input = (response: string): JudgeInput => ({ query: 'What is 6 x 7?', groundTruth: '42', response });

describe('JudgeService against the fake OpenAI server', () => {
  let fake: FakeOpenAiServer;
  let backend: OpenAiCompatibleChatBackend;
  const sleeps: number[] = [];

  const service = (over: Partial<JudgeServiceOptions> = {}): JudgeService =>
    new JudgeService(backend, {
      judgeModel: 'judge-m',
      retryBaseDelayMs: 5,
      retryJitterMs: 0,
      minIntervalMs: 0,
      secondPass: false,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...over,
    });

  beforeAll(async () => {
    fake = await startFakeOpenAi({ scripts: { 'judge-m': judgeScript } });
    backend = new OpenAiCompatibleChatBackend({ baseUrl: fake.url, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.reset();
    sleeps.length = 0;
  });

  it('judges a response with the paper sampling settings', async () => {
    const v = await service().judge(input('R-good'));
    expect(v).toEqual({
      status: 'judged',
      score: 0.8,
      judgeModel: 'judge-m',
      promptVersion: 'fusion-judge-rubric-v1',
      rawOutput: '<answer>0.8</answer>',
      error: null,
      attempts: 1,
    });
    expect(fake.requests[0]?.body).toMatchObject({
      model: 'judge-m',
      max_tokens: 100,
      temperature: 0.1,
      top_p: 0.7,
    });
    expect(fake.requests[0]?.lastUserMessage).toContain('Ground truth:\n42');
  });

  it('records a real score of 0 as judged, and clamps out-of-range scores', async () => {
    const [wrong, clamped] = await service().judgeMany([input('R-wrong'), input('R-clamp')]);
    expect(wrong).toMatchObject({ status: 'judged', score: 0 });
    expect(clamped).toMatchObject({ status: 'judged', score: 1, rawOutput: '<answer>1.7</answer>' });
  });

  it('marks output without a readable score not judged, keeping the raw text', async () => {
    const [prose, words] = await service().judgeMany([input('R-prose'), input('R-words')]);
    expect(prose).toMatchObject({
      status: 'not_judged',
      score: null,
      rawOutput: 'A solid answer with clear reasoning.',
      error: { kind: 'unparseable_output' },
    });
    expect(words).toMatchObject({
      status: 'not_judged',
      score: null,
      rawOutput: '<answer>excellent</answer>',
    });
  });

  it('marks malformed server bodies not judged with the body kept, without retrying them', async () => {
    const [malformed, noChoices] = await service().judgeMany([input('R-malformed'), input('R-nochoices')]);
    expect(malformed).toMatchObject({
      status: 'not_judged',
      score: null,
      rawOutput: null,
      attempts: 1,
      error: { kind: 'call_failed', llmErrorKind: 'malformed_response' },
    });
    expect(malformed?.error?.rawBody).toContain('"choices": [{"message": ');
    expect(noChoices).toMatchObject({ status: 'not_judged', error: { llmErrorKind: 'malformed_response' } });
    expect(noChoices?.error?.rawBody).toContain('chatcmpl-fake');
  });

  it('retries 429s, honouring Retry-After, then judges', async () => {
    const v = await service().judge(input('R-429'));
    expect(v).toMatchObject({ status: 'judged', score: 0.6, attempts: 3 });
    expect(sleeps).toEqual([1000, 1000]);
    expect(fake.requestsFor('judge-m')).toHaveLength(3);
  });

  it('retries a 500 with exponential backoff, then judges', async () => {
    const v = await service({ retryBaseDelayMs: 7 }).judge(input('R-500-once'));
    expect(v).toMatchObject({ status: 'judged', score: 1, attempts: 2 });
    expect(sleeps).toEqual([7]);
  });

  it('gives up after 3 retries of a persistent 500 and records not judged, never 0', async () => {
    const v = await service().judge(input('R-500'));
    expect(v).toMatchObject({
      status: 'not_judged',
      score: null,
      attempts: 4,
      error: { kind: 'call_failed', llmErrorKind: 'server_error' },
    });
    expect(sleeps).toEqual([5, 10, 20]);
  });

  it('does not retry a 400 or a closed socket beyond the retry budget', async () => {
    const [bad, closed] = await service({ maxRetries: 1 }).judgeMany([input('R-400'), input('R-close')]);
    expect(bad).toMatchObject({ status: 'not_judged', attempts: 1, error: { llmErrorKind: 'bad_request' } });
    expect(bad?.error?.message).toContain('prompt too long');
    expect(closed).toMatchObject({ status: 'not_judged', attempts: 2, error: { llmErrorKind: 'network' } });
  });

  it('gives not-judged rows a second pass when asked', async () => {
    const [v] = await service({ secondPass: true }).judgeMany([input('R-flip')]);
    expect(v).toMatchObject({ status: 'judged', score: 0.3, attempts: 2 });
    fake.reset();
    const [once] = await service({ secondPass: false }).judgeMany([input('R-flip')]);
    expect(once).toMatchObject({ status: 'not_judged', attempts: 1 });
  });

  it('judges over a stream when configured', async () => {
    const v = await service({ stream: true }).judge(input('R-good'));
    expect(v).toMatchObject({ status: 'judged', score: 0.8, rawOutput: '<answer>0.8</answer>' });
    expect(fake.requests[0]?.body?.['stream']).toBe(true);
  });

  it('records invalid input as not judged without calling the judge', async () => {
    const v = await service().judge({ query: '', groundTruth: null, response: 'x' });
    expect(v).toMatchObject({
      status: 'not_judged',
      score: null,
      attempts: 0,
      error: { kind: 'invalid_input' },
    });
    expect(v.error?.message).toContain('query');
    expect(fake.requests).toHaveLength(0);
  });

  it('keeps input order and never exceeds the concurrency limit', async () => {
    fake.script('judge-slow', { kind: 'delay', ms: 20, then: judgeScript });
    const responses = Array.from({ length: 24 }, (_, i) =>
      i % 3 === 0 ? 'R-good' : i % 3 === 1 ? 'R-prose' : 'other',
    );
    const progress: number[] = [];
    const verdicts = await service({ judgeModel: 'judge-slow', concurrency: 3 }).judgeMany(
      responses.map(input),
      {
        onProgress: (done) => progress.push(done),
      },
    );
    expect(verdicts.map((v) => v.score)).toEqual(
      responses.map((r) => (r === 'R-good' ? 0.8 : r === 'R-prose' ? null : 0.5)),
    );
    expect(fake.maxInFlight).toBeLessThanOrEqual(3);
    expect(fake.maxInFlight).toBe(3);
    expect(progress).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it('bounds concurrent judge() calls from independent callers too', async () => {
    fake.script('judge-slow2', { kind: 'delay', ms: 20, then: judgeScript });
    const shared = service({ judgeModel: 'judge-slow2', concurrency: 2 });
    const verdicts = await Promise.all(Array.from({ length: 10 }, () => shared.judge(input('R-good'))));
    expect(verdicts.every((v) => v.score === 0.8)).toBe(true);
    expect(fake.maxInFlight).toBe(2);
  });

  it('spaces requests by minIntervalMs (real time)', async () => {
    const timed = new JudgeService(backend, {
      judgeModel: 'judge-m',
      concurrency: 5,
      minIntervalMs: 30,
      secondPass: false,
    });
    await timed.judgeMany(Array.from({ length: 5 }, () => input('R-good')));
    const times = fake.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(4 * 30 - 20);
  });

  it('rethrows when the caller cancels', async () => {
    fake.script('judge-hang', { kind: 'delay', ms: 2000, then: judgeScript });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(
      service({ judgeModel: 'judge-hang' }).judge(input('R-good'), { signal: controller.signal }),
    ).rejects.toMatchObject({
      kind: 'cancelled',
    });
  });
});
