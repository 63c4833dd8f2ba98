import type { Client } from '@grpc/grpc-js';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { distillationContext } from '@fusion/distillation';
import { evaluationContext } from '@fusion/evaluation';
import { generateDemoLogs, ingestionContext } from '@fusion/ingestion';
import { ROUTER_KINDS, routingContext } from '@fusion/routing';
import { baseConfigShape, loadConfig } from '@fusion/shared/config';
import { InProcessMessageBus } from '@fusion/shared/messaging';
import { bootstrapService, DATA_SOURCE, type RunningService } from '@fusion/shared/runtime';
import { createLogger } from '@fusion/shared/telemetry';
import { clientStream, createGrpcClient, freePort, serverStream, unary } from '@fusion/shared/transport';
import { thoughtContext } from '@fusion/thought';
import { ingestionBenchmarkFileLoader, routingStrategyTrainers } from '../benchmark-sources';
import { distillationConfigShape, distillationOptionsFrom } from '../config/distillation.config';
import { evaluationConfigShape, evaluationOptionsFrom } from '../config/evaluation.config';
import { ingestionConfigShape, ingestionOptionsFrom } from '../config/ingestion.config';
import { routingConfigShape, routingOptionsFrom } from '../config/routing.config';
import { thoughtConfigShape, thoughtOptionsFrom } from '../config/thought.config';
import type {
  EmbeddedHandle,
  EmbeddedOptions,
  PipelineSummary,
  ProgressEvent,
  ScenarioSummary,
} from './embedded.types';

const embeddedShape = {
  ...baseConfigShape,
  ...ingestionConfigShape,
  ...evaluationConfigShape,
  ...routingConfigShape,
  ...thoughtConfigShape,
  ...distillationConfigShape,
};

const SEED_BATCH = 500;
const DEMO_SEED = 7;

type Clients = Record<'ingestion' | 'evaluation' | 'routing' | 'thought' | 'distillation', Client>;

function clientsFor(address: string): Clients {
  return {
    ingestion: createGrpcClient(
      address,
      'fusion/ingestion/v1/ingestion.proto',
      'fusion.ingestion.v1.IngestionService',
    ),
    evaluation: createGrpcClient(
      address,
      'fusion/evaluation/v1/evaluation.proto',
      'fusion.evaluation.v1.EvaluationService',
    ),
    routing: createGrpcClient(address, 'fusion/routing/v1/routing.proto', 'fusion.routing.v1.RoutingService'),
    thought: createGrpcClient(address, 'fusion/thought/v1/thought.proto', 'fusion.thought.v1.ThoughtService'),
    distillation: createGrpcClient(
      address,
      'fusion/distillation/v1/distillation.proto',
      'fusion.distillation.v1.DistillationService',
    ),
  };
}

/**
 * Boots every context in this process (PGlite + in-process bus, real gRPC and HTTP), seeds an empty store, and
 * (optionally) runs the fusion pipeline through the services' own RPCs: wait for scoring, train and promote a
 * router, build thought templates and an SFT dataset, and measure the champion against the best single model.
 */
export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<EmbeddedHandle> {
  const env = opts.env ?? process.env;
  const cfg = loadConfig(z.object(embeddedShape), env);
  const tenant = opts.tenant ?? cfg.FUSION_TENANT;
  const host = opts.host ?? '127.0.0.1';
  const grpcPort = opts.grpcPort ?? (await freePort());
  const httpPort = opts.httpPort ?? (await freePort());
  const progress = opts.progress ?? ((): void => undefined);
  const logger = createLogger('fusion', opts.logLevel ?? cfg.LOG_LEVEL);
  const bus = new InProcessMessageBus();
  let running: RunningService;
  try {
    running = await bootstrapService({
      serviceName: 'fusion',
      mode: 'embedded',
      contexts: [
        ingestionContext(ingestionOptionsFrom(cfg)),
        evaluationContext({
          ...evaluationOptionsFrom(cfg),
          loadBenchmarkFile: ingestionBenchmarkFileLoader,
          strategyTrainers: routingStrategyTrainers,
        }),
        // Training is driven by the pipeline below; auto-training still follows new logs afterwards.
        routingContext(routingOptionsFrom(cfg)),
        thoughtContext(thoughtOptionsFrom(cfg)),
        distillationContext(distillationOptionsFrom(cfg)),
      ],
      database: { kind: 'pglite', ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) },
      bus,
      grpcHost: host,
      grpcPort,
      httpHost: host,
      httpPort,
      logger,
    });
  } catch (err) {
    await bus.close();
    throw err;
  }
  const address = `${host === '0.0.0.0' ? '127.0.0.1' : host}:${grpcPort}`;
  const clients = clientsFor(address);
  const close = async (): Promise<void> => {
    for (const c of Object.values(clients)) c.close();
    await running.close();
    await bus.close();
  };
  try {
    const ds = running.app.get<DataSource>(DATA_SOURCE);
    const seeded = await seed(clients, tenant, opts.seed ?? { kind: 'demo' }, progress);
    const summary = opts.runPipeline ? await runPipeline(clients, ds, tenant, seeded, progress) : null;
    return {
      grpcAddress: address,
      httpUrl: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${httpPort}`,
      summary,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function countLogs(clients: Clients, tenant: string): Promise<number> {
  const page = await unary<unknown, { total: number }>(clients.ingestion, 'ListLogs', {
    tenant,
    pageSize: 1,
  });
  return Number(page.total);
}

/** Seeds an empty store; a store with logs (a data directory from an earlier run) is left as it is. */
async function seed(
  clients: Clients,
  tenant: string,
  option: NonNullable<EmbeddedOptions['seed']>,
  progress: (e: ProgressEvent) => void,
): Promise<PipelineSummary['seeded']> {
  if (option.kind === 'none') return 'none';
  if ((await countLogs(clients, tenant)) > 0) return 'existing';
  if (option.kind === 'demo') {
    const demo = generateDemoLogs({ seed: DEMO_SEED, tenant });
    const total = demo.records.length;
    let sent = 0;
    const batches = function* (): Generator<{ records: unknown[] }> {
      for (let i = 0; i < total; i += SEED_BATCH) {
        const records = demo.records.slice(i, i + SEED_BATCH);
        sent += records.length;
        progress({ phase: 'seed (synthetic demo logs)', done: sent, total });
        yield { records };
      }
    };
    const res = await clientStream<unknown, { accepted: number; rejected: number }>(
      clients.ingestion,
      'IngestLogs',
      batches(),
      600_000,
    );
    if (res.rejected > 0) throw new Error(`demo seed: ${res.rejected} synthetic records were rejected`);
    return 'demo';
  }
  const messages = await serverStream<
    unknown,
    { rowsRead: number; accepted: number; rejected: number; done: boolean }
  >(clients.ingestion, 'ImportDataset', {
    path: option.path,
    format: option.format ?? 'auto',
    tenant,
    dryRun: false,
  });
  const last = messages[messages.length - 1];
  progress({
    phase: `import ${option.path}`,
    done: Number(last?.accepted ?? 0),
    total: Number(last?.rowsRead ?? 0),
  });
  if (!last || Number(last.accepted) === 0)
    throw new Error(`FUSION_DATA=${option.path}: no record could be imported`);
  return 'path';
}

async function waitForProjections(
  ds: DataSource,
  clients: Clients,
  tenant: string,
  progress: (e: ProgressEvent) => void,
): Promise<number> {
  const total = await countLogs(clients, tenant);
  const count = async (table: string): Promise<number> => {
    const rows = (await ds.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant = $1`, [tenant])) as {
      n: number;
    }[];
    return Number(rows[0]?.n ?? 0);
  };
  const tables = ['evaluation_records', 'routing_samples', 'thought_responses', 'distillation_responses'];
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const counts = await Promise.all(tables.map(count));
    const done = Math.min(...counts);
    progress({ phase: 'score and project logs', done, total });
    if (done >= total) return total;
    if (Date.now() > deadline) throw new Error(`projections stalled at ${done} of ${total} records`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface RouterVersionMsg {
  routerId: string;
  version: number;
  kind: string;
  trainedOnRecords: number;
}

async function runPipeline(
  clients: Clients,
  ds: DataSource,
  tenant: string,
  seeded: PipelineSummary['seeded'],
  progress: (e: ProgressEvent) => void,
): Promise<PipelineSummary> {
  const notes: string[] = [];
  const records = await waitForProjections(ds, clients, tenant, progress);
  if (records === 0) {
    return {
      tenant,
      records,
      seeded,
      synthetic: false,
      champion: null,
      trainedNow: false,
      testQueries: 0,
      scenarios: [],
      templates: null,
      dataset: null,
      exampleQuery: null,
      backends: 'none',
      notes: [
        'the store is empty: import logs (fusion import <file>) and restart, or seed the synthetic demo logs',
      ],
    };
  }

  // Router: train when there is no champion yet or the logs grew since it was trained.
  const listed = await unary<unknown, { champion?: RouterVersionMsg | null }>(
    clients.routing,
    'ListRouters',
    { tenant },
  );
  let champion = listed.champion && listed.champion.routerId ? listed.champion : null;
  let trainedNow = false;
  if (!champion || Number(champion.trainedOnRecords) < records) {
    progress({
      phase: 'train routers',
      done: 0,
      total: ROUTER_KINDS.length,
      message: ROUTER_KINDS.join(', '),
    });
    const trained = await unary<
      unknown,
      { router?: RouterVersionMsg; promoted: boolean; gateReason: string }
    >(clients.routing, 'TrainRouter', { tenant, promoteIfBetter: true }, 30 * 60_000);
    trainedNow = true;
    progress({
      phase: 'train routers',
      done: ROUTER_KINDS.length,
      total: ROUTER_KINDS.length,
      message: trained.gateReason,
    });
    if (!trained.promoted) notes.push(`new router version not promoted: ${trained.gateReason}`);
    const after = await unary<unknown, { champion?: RouterVersionMsg | null }>(
      clients.routing,
      'ListRouters',
      { tenant },
    );
    champion = after.champion && after.champion.routerId ? after.champion : null;
  }

  // Thought level: templates from the best past responses.
  let templates: PipelineSummary['templates'] = null;
  try {
    progress({ phase: 'build thought templates', done: 0, total: 1 });
    const built = await unary<unknown, { templates: number; summarizer: string }>(
      clients.thought,
      'BuildTemplates',
      { tenant, selection: 'hybrid', queriesPerTask: 0 },
      30 * 60_000,
    );
    templates = { count: Number(built.templates), summarizer: built.summarizer };
    progress({
      phase: 'build thought templates',
      done: 1,
      total: 1,
      message: `${built.templates} templates`,
    });
  } catch (err) {
    notes.push(`thought templates not built: ${(err as Error).message}`);
  }

  // Model level: an SFT dataset of the top responses.
  let dataset: PipelineSummary['dataset'] = null;
  try {
    const built = await unary<unknown, { records: number; path: string }>(
      clients.distillation,
      'BuildDataset',
      { tenant, setting: 'perf', topK: 5 },
      30 * 60_000,
    );
    dataset = { records: Number(built.records), path: built.path };
  } catch (err) {
    notes.push(`SFT dataset not built: ${(err as Error).message}`);
  }

  // Measure: the benchmark harness on the held-out queries (champion chosen on validation, never on test).
  progress({ phase: 'benchmark (held-out queries)', done: 0, total: 1 });
  const stream = await serverStream<unknown, { done: boolean; reportJson: string }>(
    clients.evaluation,
    'RunBenchmark',
    {
      tenant,
      // The deployed champion's kind (retrained by the harness on the train split), else every kind.
      routers: champion ? [champion.kind] : [...ROUTER_KINDS],
      scenarios: ['performance_first', 'balance', 'cost_first'],
      seed: 42,
    },
    30 * 60_000,
  );
  progress({ phase: 'benchmark (held-out queries)', done: 1, total: 1 });
  const final = stream.find((m) => m.done && m.reportJson);
  if (!final) throw new Error('RunBenchmark ended without a report');
  const report = JSON.parse(final.reportJson) as BenchmarkReportJson;
  const backends = await unary<unknown, { backends: { kind: string }[] }>(
    clients.routing,
    'ListBackends',
    {},
  );
  return {
    tenant,
    records,
    seeded,
    synthetic: seeded === 'demo',
    champion: champion
      ? { routerId: champion.routerId, version: Number(champion.version), kind: champion.kind }
      : null,
    trainedNow,
    testQueries: report.dataset.test_queries,
    scenarios: Object.entries(report.scenarios).map(([name, sc]) => summariseScenario(name, sc)),
    templates,
    dataset,
    exampleQuery: await exampleQuery(clients, tenant),
    backends: backends.backends.some((b) => b.kind !== 'replay') ? 'configured' : 'replay',
    notes,
  };
}

/** A short logged query that is safe to paste inside single and double quotes in a shell line. */
async function exampleQuery(clients: Clients, tenant: string): Promise<string | null> {
  const page = await unary<unknown, { records: { query: string; split: string; promptMode: string }[] }>(
    clients.ingestion,
    'ListLogs',
    { tenant, pageSize: 500 },
  );
  const safe = page.records.filter(
    (r) =>
      r.promptMode === 'direct' && r.query.length <= 300 && /^[\w\s.,:;?!()%+*/=<>#[\]-]+$/.test(r.query),
  );
  // Whitespace is collapsed: the replay backend matches on normalised text, and the line stays one shell line.
  return (safe.find((r) => r.split === 'test') ?? safe[0])?.query.replace(/\s+/g, ' ').trim() ?? null;
}

interface EntryJson {
  candidate: string | null;
  performance: number;
  cost_usd: number;
  reward: number;
}
interface BenchmarkReportJson {
  dataset: { test_queries: number };
  scenarios: Record<
    string,
    {
      overall: {
        champion: string | null;
        best_single: EntryJson;
        oracle: EntryJson;
        strategies: Record<string, EntryJson>;
        cost_saved: { saved_pct: number | null };
      };
    }
  >;
}

function summariseScenario(name: string, sc: BenchmarkReportJson['scenarios'][string]): ScenarioSummary {
  const o = sc.overall;
  const champ = (o.champion ? o.strategies[o.champion] : undefined) ?? o.best_single;
  return {
    scenario: name,
    bestSingle: {
      candidate: o.best_single.candidate ?? '?',
      performance: o.best_single.performance,
      costUsd: o.best_single.cost_usd,
      reward: o.best_single.reward,
    },
    champion: {
      name: o.champion ?? 'best_single',
      performance: champ.performance,
      costUsd: champ.cost_usd,
      reward: champ.reward,
    },
    oracle: { performance: o.oracle.performance, costUsd: o.oracle.cost_usd, reward: o.oracle.reward },
    costSavedPct: o.cost_saved.saved_pct ?? 0,
  };
}
