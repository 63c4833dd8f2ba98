import { describe, expect, it } from 'vitest';
import {
  LlmError,
  type ChatBackend,
  type ChatChunk,
  type ChatRequest,
  type ChatResult,
} from '@fusion/shared/llm';
import type { BackendHandle, TenantBackends } from '../backends/backend-catalog.port';
import { BackendHealthTracker } from '../backends/backend-health';
import { noRoutingMetrics } from '../ports/routing-metrics.port';
import { executeWithFallback, messagesFor, THINK_SUFFIX } from './backend-execution';

type Behaviour = 'ok' | 'fail' | 'timeout' | 'fail-mid-stream';

function backend(name: string, behaviour: Behaviour, calls: ChatRequest[]): BackendHandle {
  const result = (req: ChatRequest): ChatResult => ({
    text: `${name}:${req.messages[req.messages.length - 1]!.content}`,
    finishReason: 'stop',
    usage: { promptTokens: 10, completionTokens: 5, estimated: false },
    latencyMs: 1,
    model: req.model,
  });
  const chat: ChatBackend = {
    async complete(req) {
      calls.push(req);
      if (behaviour === 'fail') throw new LlmError('server_error', `${name} broke`, { status: 500 });
      if (behaviour === 'timeout') throw new LlmError('timeout', `${name} too slow`);
      return result(req);
    },
    async *stream(req): AsyncGenerator<ChatChunk> {
      calls.push(req);
      if (behaviour === 'fail') throw new LlmError('server_error', `${name} broke`);
      yield { type: 'delta', text: 'partial ' };
      if (behaviour === 'fail-mid-stream') throw new LlmError('network', `${name} dropped`);
      yield { type: 'end', result: result(req) };
    },
  };
  return {
    name,
    kind: 'api',
    endpoint: 'http://x',
    model: `m-${name}`,
    chat,
    prices: { inputPerMillionTokens: 1_000_000, outputPerMillionTokens: 2_000_000 },
    timeoutMs: 1000,
    descriptors: {},
  };
}

function setup(behaviours: Record<string, Behaviour>): {
  backends: TenantBackends;
  calls: ChatRequest[];
  health: BackendHealthTracker;
} {
  const calls: ChatRequest[] = [];
  const map = new Map(Object.entries(behaviours).map(([n, b]) => [n, backend(n, b, calls)]));
  return {
    backends: { get: (l) => map.get(l), names: () => [...map.keys()] },
    calls,
    health: new BackendHealthTracker(2),
  };
}

const hooks = { now: () => performance.now(), metrics: noRoutingMetrics };
const limits = { maxAttempts: 5, maxCostUsd: null, latencyBudgetMs: null };
const request = { messages: [{ role: 'user' as const, content: 'q' }] };
const ranked = (...names: string[]) => names.map((candidate) => ({ candidate, predictedCostUsd: 1 }));

describe('executeWithFallback', () => {
  it('serves from the first candidate that answers and prices its tokens', async () => {
    const { backends, health, calls } = setup({ a: 'fail', b: 'ok' });
    const out = await executeWithFallback(ranked('a', 'b'), backends, health, request, limits, hooks);
    expect(out.candidate).toBe('b');
    expect(out.costUsd).toBe(10 * 1 + 5 * 2);
    expect(out.attempts.map((a) => [a.candidate, a.ok])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(calls.map((c) => c.model)).toEqual(['m-a', 'm-b']);
  });

  it('tries unhealthy backends last', async () => {
    const { backends, health, calls } = setup({ a: 'ok', b: 'ok' });
    health.recordCall('a', false, 'x');
    health.recordCall('a', false, 'x');
    await executeWithFallback(ranked('a', 'b'), backends, health, request, limits, hooks);
    expect(calls.map((c) => c.model)).toEqual(['m-b']);
  });

  it('stops at max attempts, and counts a timeout against the cost budget', async () => {
    const { backends, health } = setup({ a: 'fail', b: 'fail', c: 'ok' });
    await expect(
      executeWithFallback(
        ranked('a', 'b', 'c'),
        backends,
        health,
        request,
        { ...limits, maxAttempts: 2 },
        hooks,
      ),
    ).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(
        /all 2 attempts failed: a \(a\): server_error: a broke; b \(b\).*stopped: reached the limit of 2 attempts/,
      ),
    });
    const t = setup({ a: 'timeout', b: 'ok' });
    await expect(
      executeWithFallback(
        ranked('a', 'b'),
        t.backends,
        t.health,
        request,
        { ...limits, maxCostUsd: 1.5 },
        hooks,
      ),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/stopped: b would exceed max_cost_usd 1.5/),
    });
  });

  it('streams deltas and never falls back after text was sent', async () => {
    const { backends, health } = setup({ a: 'fail-mid-stream', b: 'ok' });
    const deltas: string[] = [];
    await expect(
      executeWithFallback(ranked('a', 'b'), backends, health, request, limits, {
        ...hooks,
        onDelta: (t) => void deltas.push(t),
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/a failed mid-stream/) });
    expect(deltas).toEqual(['partial ']);
    const ok = setup({ a: 'fail', b: 'ok' });
    const seen: string[] = [];
    const out = await executeWithFallback(ranked('a', 'b'), ok.backends, ok.health, request, limits, {
      ...hooks,
      onDelta: (t, c) => void seen.push(`${c}:${t}`),
    });
    expect(out.candidate).toBe('b');
    expect(seen).toEqual(['b:partial ']);
  });

  it('without any backend for the ranked candidates, UNAVAILABLE says so', async () => {
    const { backends, health } = setup({ a: 'ok' });
    await expect(
      executeWithFallback(ranked('z'), backends, health, request, limits, hooks),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/no backend was called: no ranked candidate has a backend/),
    });
  });

  it('think mode appends the step-by-step line to the last user message only', () => {
    const messages = [
      { role: 'user' as const, content: 'first' },
      { role: 'assistant' as const, content: 'ok' },
      { role: 'user' as const, content: 'second' },
    ];
    expect(messagesFor('m:think', messages).map((m) => m.content)).toEqual([
      'first',
      'ok',
      `second${THINK_SUFFIX}`,
    ]);
    expect(messagesFor('m', messages)).toEqual(messages);
  });
});
