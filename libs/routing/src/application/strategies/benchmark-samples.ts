import type { BenchmarkQuery } from '@fusion/evaluation';
import type { Embedder } from '@fusion/shared/llm';
import type { RoutingSample } from '../../domain/training-set';

/** The harness's queries as routing samples: one per logged candidate outcome. */
export function samplesFromBenchmark(queries: readonly BenchmarkQuery[]): RoutingSample[] {
  const out: RoutingSample[] = [];
  for (const q of queries) {
    for (const o of q.outcomes) {
      out.push({
        queryId: q.queryId,
        taskName: q.taskName,
        taskDomain: q.taskDomain,
        query: q.query,
        candidate: o.candidate,
        performance: o.performance,
        costUsd: o.costUsd,
        judgeScore: o.judgeScore,
      });
    }
  }
  return out;
}

const EMBED_BATCH = 256;

/** Embeds texts in batches (remote embedders cap request size); result in input order. */
export async function embedAll(embedder: Embedder, texts: readonly string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH)
    out.push(...(await embedder.embed(texts.slice(i, i + EMBED_BATCH))));
  return out;
}

/** One embedding per distinct query id (the first text seen for it). */
export async function embedQueries(
  embedder: Embedder,
  queries: readonly { queryId: string; query: string }[],
): Promise<Map<string, Float32Array>> {
  const texts = new Map<string, string>();
  for (const q of queries) if (!texts.has(q.queryId)) texts.set(q.queryId, q.query);
  const vectors = await embedAll(embedder, [...texts.values()]);
  return new Map([...texts.keys()].map((id, i) => [id, vectors[i]!]));
}
