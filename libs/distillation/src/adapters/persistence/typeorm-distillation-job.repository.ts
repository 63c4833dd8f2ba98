import type { DataSource } from 'typeorm';
import {
  DistillationJobSubmitted,
  streamIdForDistillationJob,
  type DistillationJobSubmittedV1,
} from '@fusion/contracts';
import { entityManagerOf, type EventStore } from '@fusion/shared/event-store';
import {
  evolveJob,
  initialJobState,
  type DistillationJobEvent,
  type DistillationJobState,
} from '../../domain/distillation-job.decider';
import type {
  DistillationJobRepository,
  DistillationJobView,
} from '../../application/ports/distillation-job-repository.port';
import type { OperationContext } from '../../application/ports/operation-context';

interface Row {
  job_id: string;
  dataset_id: string;
  base_model: string;
  student_name: string;
  status: string;
  runner: string;
  message: string;
  manifest_path: string | null;
  kubernetes_namespace: string | null;
  kubernetes_name: string | null;
  submitted_at: Date | string;
}

function view(r: Row): DistillationJobView {
  return {
    jobId: r.job_id,
    datasetId: r.dataset_id,
    baseModel: r.base_model,
    studentName: r.student_name,
    status: r.status,
    runner: r.runner,
    message: r.message,
    manifestPath: r.manifest_path,
    kubernetesNamespace: r.kubernetes_namespace,
    kubernetesName: r.kubernetes_name,
    submittedAt: new Date(r.submitted_at).toISOString(),
  };
}

/** Jobs on the event store (stream `distillation-job-<tenant>-<jobId>`) with the `distillation_jobs` read model. */
export class TypeOrmDistillationJobRepository implements DistillationJobRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly events: EventStore,
  ) {}

  async load(tenant: string, jobId: string): Promise<{ state: DistillationJobState; version: number }> {
    const stream = await this.events.readStream(streamIdForDistillationJob(tenant, jobId));
    const state = stream
      .filter((e) => e.type === DistillationJobSubmitted.type)
      .reduce(
        (s, e) =>
          evolveJob(s, { type: DistillationJobSubmitted.type, data: e.data as DistillationJobSubmittedV1 }),
        initialJobState(),
      );
    return { state, version: stream.length === 0 ? 0 : (stream[stream.length - 1]?.streamVersion ?? 0) };
  }

  async append(
    tenant: string,
    jobId: string,
    events: DistillationJobEvent[],
    expectedVersion: number,
    ctx: OperationContext = {},
  ): Promise<void> {
    await this.events.transaction(async (tx) => {
      const result = await this.events.append(
        {
          streamId: streamIdForDistillationJob(tenant, jobId),
          expectedVersion,
          events: events.map((e) => ({
            type: e.type,
            schemaVersion: DistillationJobSubmitted.schemaVersion,
            tenant,
            data: e.data,
          })),
        },
        ctx,
        tx,
      );
      const m = entityManagerOf(tx);
      for (const env of result.envelopes) {
        if (env.type !== DistillationJobSubmitted.type) continue;
        const d = env.data as DistillationJobSubmittedV1;
        await m.query(
          `INSERT INTO distillation_jobs (tenant, job_id, dataset_id, base_model, student_name, status, runner, message, manifest_path,
             kubernetes_namespace, kubernetes_name, stream_version, submitted_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            tenant,
            d.jobId,
            d.datasetId,
            d.baseModel,
            d.studentName,
            d.status,
            d.runner,
            d.message,
            d.manifestPath,
            d.kubernetes?.namespace ?? null,
            d.kubernetes?.name ?? null,
            env.streamVersion,
            env.occurredAt,
          ],
        );
      }
    });
  }

  async get(tenant: string, jobId: string): Promise<DistillationJobView | null> {
    const rows = (await this.ds.query(`SELECT * FROM distillation_jobs WHERE tenant = $1 AND job_id = $2`, [
      tenant,
      jobId,
    ])) as Row[];
    return rows[0] ? view(rows[0]) : null;
  }

  async list(tenant: string): Promise<DistillationJobView[]> {
    const rows = (await this.ds.query(
      `SELECT * FROM distillation_jobs WHERE tenant = $1 ORDER BY submitted_at DESC, job_id`,
      [tenant],
    )) as Row[];
    return rows.map(view);
  }
}
