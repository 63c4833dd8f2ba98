import 'reflect-metadata';
import { status, type Client } from '@grpc/grpc-js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamIdForDistillationDataset, streamIdForDistillationJob } from '@fusion/contracts';
import type { EventStore } from '@fusion/shared/event-store';
import { InProcessMessageBus } from '@fusion/shared/messaging';
import { DATA_SOURCE, EVENT_STORE, type RunningService } from '@fusion/shared/runtime';
import { startTestService, waitFor } from '@fusion/shared/testing';
import { clientStream, createGrpcClient, unary } from '@fusion/shared/transport';
// The spec hosts ingestion beside distillation so records reach the projection through real LogRecorded events.
import { ingestionContext } from '@fusion/ingestion';
import { SFT_INSTRUCTION, type AlpacaRecord } from '../domain/sft-dataset.builder';
import { SYNTHETIC_QUERIES, syntheticRecords } from './__fixtures__/synthetic-log';
import { distillationContext } from './distillation.module';

interface Built {
  records: number;
  queries: number;
  path: string;
  datasetId: string;
  setting: string;
  topK: number;
  datasetName: string;
  skippedResponses: number;
  queriesWithoutGroundTruth: number;
}
interface Job {
  jobId: string;
  datasetId: string;
  baseModel: string;
  studentName: string;
  status: string;
  submittedAt: string;
  message: string;
  runner: string;
  manifestPath: string;
}

describe('distillation service (embedded backbone, ingestion feeding LogRecorded)', () => {
  let svc: RunningService;
  let distill: Client;
  let ingestion: Client;
  let ds: DataSource;
  let store: EventStore;
  let root: string;
  const bus = new InProcessMessageBus();

  const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fusion-datasets-'));
    svc = await startTestService([ingestionContext(), distillationContext({ datasetDir: root })], {
      bus,
      serviceName: 'fusion-distillation',
    });
    ds = svc.app.get<DataSource>(DATA_SOURCE, { strict: false });
    store = svc.app.get<EventStore>(EVENT_STORE, { strict: false });
    distill = createGrpcClient(
      svc.grpcAddress,
      'fusion/distillation/v1/distillation.proto',
      'fusion.distillation.v1.DistillationService',
    );
    ingestion = createGrpcClient(
      svc.grpcAddress,
      'fusion/ingestion/v1/ingestion.proto',
      'fusion.ingestion.v1.IngestionService',
    );
  });
  afterAll(async () => {
    distill?.close();
    ingestion?.close();
    await svc?.close();
    await bus.close();
    await rm(root, { recursive: true, force: true });
  });

  it('refuses to build without logs: FAILED_PRECONDITION saying how to get train-split logs', async () => {
    await expect(unary(distill, 'BuildDataset', { setting: 'perf' })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: expect.stringMatching(/no log records for tenant 'default'.*split=train/),
    });
  });

  it('writes an Alpaca dataset (perf, top 2) with gold records formatted per task family, and registers it for LLaMA-Factory', async () => {
    const records = syntheticRecords();
    await clientStream(ingestion, 'IngestLogs', [{ records }]);
    await waitFor(
      async () =>
        Number(
          ((await ds.query(`SELECT count(*)::int AS n FROM distillation_responses`)) as { n: number }[])[0]
            ?.n,
        ) >= records.length,
      10_000,
      'distillation projection',
    );
    const built = await unary<unknown, Built>(distill, 'BuildDataset', { setting: 'perf', topK: 2 });
    expect(built).toMatchObject({
      records: 9,
      queries: 3,
      setting: 'perf',
      topK: 2,
      queriesWithoutGroundTruth: 0,
    });
    expect(built.path).toBe(join(root, 'default', `${built.datasetName}.json`));
    expect(built.datasetName).toMatch(/^fusion_perf_sft_top_2_[a-z0-9]+$/);

    const file = await readJson<AlpacaRecord[]>(built.path);
    expect(file).toHaveLength(9);
    expect(file.every((r) => r.instruction === SFT_INSTRUCTION && !/think step by step/i.test(r.input))).toBe(
      true,
    );
    // Queries by task then text: gsm8k, mbpp, mmlu; each a gold record then the two best responses.
    expect(file[0]).toEqual({
      instruction: SFT_INSTRUCTION,
      input: SYNTHETIC_QUERIES[0]!.query,
      output: '3 * 4 = 12\n#### 12',
    });
    expect(file[3]?.output).toBe('[BEGIN]\n def add(a, b):\n    return a + b \n[DONE]');
    expect(file[6]?.output).toBe('(B)');
    expect(file.slice(1, 3).map((r) => r.output)).toEqual(['3 * 4 = 12.\n#### 12', '3 * 4 = 12.\n#### 12']);

    const info = await readJson<Record<string, unknown>>(join(root, 'default', 'dataset_info.json'));
    expect(info[built.datasetName]).toEqual({
      file_name: `${built.datasetName}.json`,
      formatting: 'alpaca',
      columns: { prompt: 'instruction', query: 'input', response: 'output' },
    });
    const events = await store.readStream(streamIdForDistillationDataset('default', built.datasetId));
    expect(events.map((e) => e.type)).toEqual(['DistillationDatasetBuilt']);
    expect(events[0]?.data).toMatchObject({ datasetId: built.datasetId, records: 9, setting: 'perf' });
    const rows = (await ds.query(`SELECT records, setting FROM distillation_datasets WHERE dataset_id = $1`, [
      built.datasetId,
    ])) as unknown[];
    expect(rows).toEqual([{ records: 9, setting: 'perf' }]);
  });

  it('judge keeps walking past zero-performance responses; baseline repeats gold records k+1 times', async () => {
    const judge = await unary<unknown, Built>(distill, 'BuildDataset', { setting: 'judge', topK: 5 });
    // Per query: gold + 4 responses; the perf-0 rows (2 each) are skipped, not a stop (the script stopped at them).
    expect(judge).toMatchObject({ records: 15, queries: 3, skippedResponses: 6 });
    const file = await readJson<AlpacaRecord[]>(judge.path);
    expect(file.slice(1, 5).map((r) => r.output)).toEqual([
      'Multiply: 12.\n#### 12',
      'Multiply: 12.\n#### 12',
      '3 * 4 = 12.\n#### 12',
      '3 * 4 = 12.\n#### 12',
    ]);

    const baseline = await unary<unknown, Built>(distill, 'BuildDataset', {
      setting: 'baseline',
      topK: 5,
      outPath: 'exports/baseline.json',
    });
    expect(baseline).toMatchObject({ records: 18, queries: 3, path: join(root, 'exports', 'baseline.json') });
    const gold = await readJson<AlpacaRecord[]>(baseline.path);
    expect(gold.slice(0, 3)).toEqual(gold.slice(15, 18));
    const info = await readJson<Record<string, { file_name: string }>>(
      join(root, 'exports', 'dataset_info.json'),
    );
    expect(info[baseline.datasetName]?.file_name).toBe('baseline.json');
  });

  it('answers bad input with INVALID_ARGUMENT naming the field', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'BuildDataset',
        { setting: 'best' },
        /setting: unknown setting 'best'; use perf, judge, hybrid, baseline/,
      ],
      ['BuildDataset', { topK: 500 }, /top_k: must be between 1 and 100/],
      ['BuildDataset', { outPath: '../../etc/x.json' }, /out_path: .* is outside the dataset directory/],
      ['BuildDataset', { outPath: 'x.txt' }, /out_path: .* must name a \.json file/],
      ['SubmitJob', { datasetId: '' }, /dataset_id: is required/],
      ['SubmitJob', { datasetId: 'ds-x', baseModel: 'a model; rm -rf' }, /base_model: /],
    ];
    for (const [method, req, details] of cases) {
      await expect(unary(distill, method, req)).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: expect.stringMatching(details),
      });
    }
    await expect(unary(distill, 'SubmitJob', { datasetId: 'ds-nope' })).rejects.toMatchObject({
      code: status.NOT_FOUND,
      details: expect.stringMatching(/dataset ds-nope of tenant 'default'.*fusion distill dataset/),
    });
  });

  it('submits a job with the local runner: manifest and trainer config written, status awaiting_cluster (never succeeded); ListJobs lists it', async () => {
    const { jobs: none } = await unary<unknown, { jobs: Job[] }>(distill, 'ListJobs', {});
    expect(none).toEqual([]);
    const built = await unary<unknown, Built>(distill, 'BuildDataset', { setting: 'hybrid' });
    const { job } = await unary<unknown, { job: Job }>(distill, 'SubmitJob', {
      datasetId: built.datasetId,
      studentName: 'llama-fused',
    });
    expect(job).toMatchObject({
      datasetId: built.datasetId,
      baseModel: 'meta-llama/Llama-3.1-8B-Instruct',
      studentName: 'llama-fused',
      status: 'awaiting_cluster',
      runner: 'local',
    });
    expect(job.message).toMatch(/GPU trainer runs only on Kubernetes/);
    expect(job.manifestPath).toBe(join(root, 'default', 'jobs', job.jobId, 'job.json'));
    const manifest = await readJson<{
      kind: string;
      spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
    }>(job.manifestPath);
    expect(manifest.kind).toBe('Job');
    const config = await readFile(join(root, 'default', 'jobs', job.jobId, 'trainer.yaml'), 'utf8');
    expect(
      manifest.spec.template.spec.containers[0]?.env.find((e) => e.name === 'TRAINER_CONFIG')?.value,
    ).toBe(config);
    expect(config).toContain(`dataset: "${built.datasetName}"`);
    expect(config).toContain('dataset_dir: "/data/default"');
    expect(config).toContain('output_dir: "/data/models/default/llama-fused"');

    const second = await unary<unknown, { job: Job }>(distill, 'SubmitJob', {
      datasetId: built.datasetId,
      baseModel: 'Qwen/Qwen2.5-7B-Instruct',
    });
    expect(second.job.studentName).toMatch(/^Qwen2\.5-7B-Instruct-hybrid-sft-[a-z0-9]+$/);
    const { jobs } = await unary<unknown, { jobs: Job[] }>(distill, 'ListJobs', {});
    expect(jobs.map((j) => j.jobId).sort()).toEqual([job.jobId, second.job.jobId].sort());
    expect(
      jobs.every((j) => j.status === 'awaiting_cluster' && !Number.isNaN(Date.parse(j.submittedAt))),
    ).toBe(true);
    expect((await unary<unknown, { jobs: Job[] }>(distill, 'ListJobs', { tenant: 'other' })).jobs).toEqual(
      [],
    );

    const events = await store.readStream(streamIdForDistillationJob('default', job.jobId));
    expect(events.map((e) => [e.type, e.streamVersion])).toEqual([['DistillationJobSubmitted', 1]]);
    expect(events[0]?.data).toMatchObject({
      runner: 'local',
      status: 'awaiting_cluster',
      hyperparameters: { loraRank: 8, learningRate: 1e-4, numTrainEpochs: 3 },
    });
  });
});
