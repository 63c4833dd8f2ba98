import { resolve } from 'node:path';
import {
  loadPackageDefinition,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceClientConstructor,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS, PROTO_ROOT } from '@fusion/shared/transport';

/** What the fake server was asked, per RPC, in order. */
export type Calls = Record<string, unknown[]>;

type Handler = (request: unknown) => unknown;

const ROUTER = {
  routerId: 'router-knn',
  version: 2,
  kind: 'knn',
  status: 'champion',
  trainedOnRecords: 7680,
  trainedOnQueries: 480,
  rewardByScenario: { balance: 0.43 },
  registeredAt: '2024-12-01T00:00:00Z',
  artifactSha256: 'abc',
};
const JOB = {
  jobId: 'job-1',
  datasetId: 'ds-1',
  baseModel: 'llama-3.1-8b-instruct',
  studentName: 'student-1',
  status: 'awaiting_cluster',
  submittedAt: '2024-12-01T00:00:00Z',
  message: 'not started: the local runner wrote the Job manifest',
  runner: 'local',
  manifestPath: '/tmp/jobs/job-1/job.json',
  kubernetesNamespace: '',
  kubernetesName: '',
};

/** Canned answers, by RPC name; a request with `query: "fail-invalid"` gets INVALID_ARGUMENT. */
const UNARY: Record<string, Handler> = {
  RouteQuery: (req) => {
    const r = req as { query: string; mode: number };
    if (r.query === 'fail-invalid')
      throw Object.assign(new Error('policy.alpha: must be >= 0'), { code: status.INVALID_ARGUMENT });
    return {
      requestId: 'req-1',
      decision: {
        chosen: 'gpt-4o-mini',
        ranked: [
          {
            candidate: 'gpt-4o-mini',
            llm: 'gpt-4o-mini',
            promptMode: 'direct',
            predictedPerformance: 0.9,
            predictedCostUsd: 0.0001,
            score: 0.42,
          },
          {
            candidate: 'gpt-4o',
            llm: 'gpt-4o',
            promptMode: 'direct',
            predictedPerformance: 0.95,
            predictedCostUsd: 0.002,
            score: 0.3,
          },
        ],
        routerId: 'router-knn',
        routerVersion: 2,
        routerKind: 'knn',
        reason: 'highest balance score',
        fallbackToBestSingle: false,
        inferredTask: 'synthetic_gsm8k',
      },
      ...(r.mode === 2
        ? {
            completion: {
              text: 'The answer is 391.',
              servedBy: 'gpt-4o-mini',
              inputTokens: 12,
              outputTokens: 6,
              costUsd: 0.0000054,
              latencyMs: 120,
              finishReason: 'stop',
              loggedRecordId: 'r-1',
            },
          }
        : {}),
      attempts: [],
    };
  },
  ListRouters: () => ({ routers: [ROUTER], champion: ROUTER }),
  TrainRouter: () => ({
    router: { ...ROUTER, version: 3, status: 'registered' },
    promoted: true,
    gateReason: 'beats the champion',
    gate: {
      scenario: 'balance',
      challengerReward: 0.45,
      championReward: 0.43,
      championRouterId: 'router-knn',
      championVersion: 2,
      passed: true,
      reason: 'beats the champion',
    },
    evaluated: [],
    challenger: false,
    rejected: false,
  }),
  PromoteRouter: (req) => ({
    promoted: true,
    gateReason: '',
    champion: { ...ROUTER, version: (req as { version: number }).version },
  }),
  BuildTemplates: () => ({
    templates: 36,
    tasks: 12,
    buildId: 'tb-1',
    summarizer: 'extractive-v1',
    selection: 'performance',
    failed: 0,
  }),
  RetrieveThoughts: () => ({
    templates: [
      {
        query: 'a similar query',
        template: 'Step 1: ...',
        taskName: 'synthetic_gsm8k',
        similarity: 0.8,
        queryId: 'q-1',
        summarizer: 'extractive-v1',
      },
    ],
    augmentedPrompt: 'Here is how similar problems were solved: ...',
    taskName: 'synthetic_gsm8k',
  }),
  BuildDataset: () => ({
    records: 120,
    queries: 60,
    path: '/tmp/sft.json',
    datasetId: 'ds-1',
    setting: 'judge',
    topK: 2,
    datasetName: 'fusion_judge_sft_top_2_1',
    skippedResponses: 4,
    queriesWithoutGroundTruth: 0,
  }),
  SubmitJob: () => ({ job: JOB }),
  ListJobs: () => ({ jobs: [JOB] }),
};

const SERVICES: [string, string][] = [
  ['fusion/ingestion/v1/ingestion.proto', 'fusion.ingestion.v1.IngestionService'],
  ['fusion/routing/v1/routing.proto', 'fusion.routing.v1.RoutingService'],
  ['fusion/thought/v1/thought.proto', 'fusion.thought.v1.ThoughtService'],
  ['fusion/distillation/v1/distillation.proto', 'fusion.distillation.v1.DistillationService'],
];

function lookup(root: unknown, name: string): ServiceClientConstructor {
  let node = root;
  for (const part of name.split('.')) node = (node as Record<string, unknown>)[part];
  return node as ServiceClientConstructor;
}

/** A gRPC server speaking FusionFactory's protos with canned answers; records every request. */
export async function startFakeFusionServer(): Promise<{
  address: string;
  calls: Calls;
  close(): Promise<void>;
}> {
  const server = new Server();
  const calls: Calls = {};
  const record = (rpc: string, req: unknown) => (calls[rpc] ??= []).push(req);
  for (const [file, name] of SERVICES) {
    const def = loadSync(resolve(PROTO_ROOT, file), PROTO_LOADER_OPTIONS);
    const service = lookup(loadPackageDefinition(def), name).service;
    const impl: UntypedServiceImplementation = {};
    for (const [method, spec] of Object.entries(service)) {
      if (method === 'IngestLogs') {
        impl[method] = (
          call: ServerReadableStream<{ records?: unknown[] }, unknown>,
          cb: sendUnaryData<unknown>,
        ) => {
          const records: unknown[] = [];
          call.on('data', (m: { records?: unknown[] }) => records.push(...(m.records ?? [])));
          call.on('end', () => {
            record('IngestLogs', { records });
            cb(null, {
              accepted: records.length,
              duplicates: 0,
              rejected: 0,
              results: [],
              rejectedByReason: {},
            });
          });
        };
      } else if (method === 'ImportDataset') {
        impl[method] = (call: ServerWritableStream<unknown, unknown>) => {
          record('ImportDataset', call.request);
          call.write({
            phase: 'import',
            rowsRead: 10,
            accepted: 10,
            duplicates: 0,
            rejected: 0,
            done: false,
            rejectedByReason: {},
            format: 'canonical',
          });
          call.write({
            phase: 'done',
            rowsRead: 20,
            accepted: 19,
            duplicates: 0,
            rejected: 1,
            done: true,
            rejectedByReason: { empty_score: 1 },
            format: 'canonical',
          });
          call.end();
        };
      } else if (!spec.requestStream && !spec.responseStream) {
        impl[method] = (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => {
          record(method, call.request);
          const handler = UNARY[method];
          if (!handler) return cb({ code: status.UNIMPLEMENTED, details: `${method} is not faked` });
          try {
            cb(null, handler(call.request));
          } catch (err) {
            const e = err as { code?: number; message: string };
            cb({ code: e.code ?? status.INTERNAL, details: e.message });
          }
        };
      } else {
        impl[method] = (call: { destroy(e: Error): void }) =>
          call.destroy(new Error(`${method} is not faked`));
      }
    }
    server.addService(service, impl);
  }
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? rej(err) : res(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((res) => server.tryShutdown(() => res())),
  };
}
