import { describe, expect, it } from 'vitest';
import { HashedNgramEmbedder } from '@fusion/shared/llm';
import { prepareTrainingData } from '../../application/training/training-data';
import type { RouterTrainingJob } from '../../application/training/router-training.job';
import { EVALUATED_SCENARIOS } from '../../application/training/training-settings';
import type { StoredSample } from '../../application/ports/routing-sample.store.port';
import { fixtureRecords } from '../testing/routing-log.fixture';
import { InlineTrainingRunner } from './inline-training.runner';
import { WorkerTrainingRunner } from './worker-training.runner';

function samplesOf(records: Record<string, unknown>[]): StoredSample[] {
  return records.map((r) => ({
    recordId: String(r['record_id']),
    queryId: String(r['query_id']),
    taskName: String(r['task_name']),
    taskDomain: String(r['task_domain']),
    query: String(r['query']),
    candidate: `${String(r['llm'])}${r['prompt_mode'] === 'think' ? ':think' : ''}`,
    performance: r['performance'] as number,
    costUsd: r['cost_usd'] as number,
    judgeScore: null,
    latencyMs: r['latency_ms'] as number,
    split: (r['split'] as 'train' | 'test' | null) ?? null,
  }));
}

describe('training runners', () => {
  it('the worker thread trains exactly what inline training does, job after job, and scores a registered artifact', async () => {
    const embedder = new HashedNgramEmbedder();
    const data = await prepareTrainingData(samplesOf(fixtureRecords({ seed: 2, perTask: 20 })), embedder, {
      seed: 1,
      heldOutFraction: 0.2,
    });
    const job: RouterTrainingJob = {
      train: data.train,
      heldOut: data.heldOut,
      kinds: ['knn', 'linear'],
      seed: 1,
      scenarios: [...EVALUATED_SCENARIOS],
      evaluate: [],
      embeddingSpace: embedder.id,
    };
    const inline = await new InlineTrainingRunner().run(job);
    const worker = new WorkerTrainingRunner();
    const first = await worker.run(job);
    expect(first.failed).toEqual([]);
    expect(first.trained.map((t) => [t.kind, t.sha256, t.metrics])).toEqual(
      inline.trained.map((t) => [t.kind, t.sha256, t.metrics]),
    );
    // A second job on the same (long-lived) worker: evaluate the knn artifact only, plus one from another space.
    const second = await worker.run({
      ...job,
      train: null,
      evaluate: [
        { label: 'knn', artifact: first.trained[0]!.artifact },
        {
          label: 'other-space',
          artifact: first.trained[0]!.artifact.replace(embedder.id, 'another-embedder'),
        },
      ],
    });
    expect(second.trained).toEqual([]);
    expect(second.evaluated[0]).toEqual({ label: 'knn', metrics: first.trained[0]!.metrics, error: null });
    expect(second.evaluated[1]).toMatchObject({
      label: 'other-space',
      metrics: null,
      error: expect.stringMatching(/embedding space another-embedder/),
    });
    // The held-out split follows the logged split: every fifth query of each task is `test`.
    expect(data.heldOut.queries).toHaveLength(8);
    expect(data.splitMethod).toMatch(/logged split/);
  }, 60_000);
});
