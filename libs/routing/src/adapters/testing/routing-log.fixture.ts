import { SeededRandom } from '@fusion/shared/kernel';

/**
 * A small synthetic multi-model log for the routing service specs, as canonical (snake_case) records. Two tasks
 * with different best models:
 * - `math` (words: integral, derivative, ...): `model-a` is right 95% of the time;
 * - `code` (words: python, function, ...): `model-b` 85%, its think mode `model-b:think` 95% at 4x the cost.
 * `model-c` is cheap and weak (20%), `model-d` dear and middling (50%). Under balance the right model per task is
 * `model-a` (math) and `model-b` (code); under performance_first, `model-b:think` wins code.
 */
export const FIXTURE_CANDIDATES = ['model-a', 'model-b', 'model-b:think', 'model-c', 'model-d'];
export const FIXTURE_LLMS = ['model-a', 'model-b', 'model-c', 'model-d'];

const SUCCESS: Record<string, { math: number; code: number; cost: number; latency: number }> = {
  'model-a': { math: 0.95, code: 0.1, cost: 0.001, latency: 800 },
  'model-b': { math: 0.1, code: 0.85, cost: 0.001, latency: 700 },
  'model-b:think': { math: 0.15, code: 0.95, cost: 0.004, latency: 1500 },
  'model-c': { math: 0.2, code: 0.2, cost: 0.0002, latency: 200 },
  'model-d': { math: 0.5, code: 0.5, cost: 0.01, latency: 1200 },
};

export const MATH_WORDS = [
  'integral',
  'derivative',
  'equation',
  'prime',
  'matrix',
  'sum',
  'limit',
  'theorem',
  'fraction',
  'polynomial',
];
export const CODE_WORDS = [
  'python',
  'function',
  'loop',
  'compile',
  'array',
  'class',
  'string',
  'recursion',
  'pointer',
  'regex',
];

export type FixtureTask = 'math' | 'code';

export function fixtureQuery(task: FixtureTask, rng: SeededRandom): string {
  const words = task === 'math' ? MATH_WORDS : CODE_WORDS;
  const verb = task === 'math' ? 'solve the' : 'write a';
  return `${verb} ${Array.from({ length: 6 }, () => words[rng.int(words.length)]).join(' ')} problem`;
}

export interface FixtureOptions {
  seed?: number;
  perTask?: number;
  tasks?: FixtureTask[];
  /** Record-id / query prefix, so several batches never collide. */
  prefix?: string;
  tenant?: string;
  /** `every5`: every fifth query is `test`; `none`: no split (seeded by the service). */
  split?: 'every5' | 'none';
  /** Leave the performance out (records scored later by ResponseScored); judge_score 0.5 keeps them valid. */
  unscored?: boolean;
}

/** Canonical records: one per (query, candidate). */
export function fixtureRecords(options: FixtureOptions = {}): Record<string, unknown>[] {
  const rng = new SeededRandom(options.seed ?? 1);
  const perTask = options.perTask ?? 30;
  const prefix = options.prefix ?? 'fx';
  const out: Record<string, unknown>[] = [];
  for (const task of options.tasks ?? (['math', 'code'] as FixtureTask[])) {
    for (let i = 0; i < perTask; i++) {
      const query = `${fixtureQuery(task, rng)} #${prefix}-${i}`;
      const queryId = `${prefix}-${task}-${i}`;
      for (const candidate of FIXTURE_CANDIDATES) {
        const s = SUCCESS[candidate]!;
        const think = candidate.endsWith(':think');
        const llm = think ? candidate.slice(0, -':think'.length) : candidate;
        const performance = rng.next() < s[task] ? 1 : 0;
        out.push({
          record_id: `${queryId}-${candidate}`,
          ...(options.tenant ? { tenant: options.tenant } : {}),
          task_name: task,
          task_domain: task,
          query_id: queryId,
          query,
          prompt_mode: think ? 'think' : 'direct',
          llm,
          response: `${candidate} answers ${queryId}`,
          ...(options.unscored ? { judge_score: 0.5 } : { performance }),
          input_tokens: 12,
          output_tokens: 20,
          cost_usd: s.cost,
          latency_ms: s.latency,
          split: options.split === 'none' ? null : i % 5 === 4 ? 'test' : 'train',
        });
      }
    }
  }
  return out;
}
