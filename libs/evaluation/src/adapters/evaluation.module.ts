import { Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConsumerGroups } from '@fusion/contracts';
import type { EventStore } from '@fusion/shared/event-store';
import type { Clock, IdGenerator } from '@fusion/shared/kernel';
import { CLOCK, DATA_SOURCE, EVENT_STORE, IDS, type ContextModuleSpec } from '@fusion/shared/runtime';
import { rootLogger } from '@fusion/shared/telemetry';
import type { JudgeService } from '../application/judge/judge.service';
import type { CodeSandbox, SandboxRunOptions } from '../application/scoring/code-sandbox.port';
import { AcceptLogRecordsHandler } from '../application/scoring-pipeline/accept-log-records.handler';
import {
  judgeGiveUp,
  judgeJobPerformer,
  scoreGiveUp,
  scoreJobPerformer,
} from '../application/scoring-pipeline/scoring-jobs';
import type { ScoringRepository } from '../application/scoring-pipeline/scoring-pipeline.port';
import { DEFAULT_WORKER_SETTINGS, ScoringWorker } from '../application/scoring-pipeline/scoring-worker';
import { EvaluationGrpcController } from './grpc/evaluation.grpc-controller';
import { LogRecordedConsumer } from './kafka/log-recorded.consumer';
import { ScoringWorkers, workerTelemetry } from './kafka/scoring-workers.runner';
import { createJudgeService } from './llm/judge.factory';
import { CreateEvaluationTables1767225800000 } from './persistence/1767225800000-create-evaluation-tables';
import { ScoredLogBenchmarkSource } from './persistence/scored-log.benchmark-source';
import { TypeOrmScoringRepository } from './persistence/typeorm-scoring.repository';
import { BubblewrapSandbox } from './sandbox/bubblewrap-sandbox.adapter';
import {
  ACCEPT_LOG_RECORDS_HANDLER,
  BENCHMARK_DATA_SOURCE,
  CODE_SANDBOX,
  EVALUATION_OPTIONS,
  JUDGE_SERVICE,
  SCORING_REPOSITORY,
  SCORING_WORKERS,
  type EvaluationOptions,
  type EvaluationOptionsInput,
} from './evaluation.tokens';

/** Evaluation options with every default filled in. */
export function resolveEvaluationOptions(options: EvaluationOptionsInput = {}): EvaluationOptions {
  const sandbox = options.sandbox ?? { enabled: true, concurrency: 4 };
  return {
    judge: options.judge ?? null,
    sandbox,
    metricVariant: options.metricVariant ?? 'fixed',
    reportDir: options.reportDir ?? 'out/reports',
    dataRoots: options.dataRoots ?? [],
    consumeLogs: options.consumeLogs ?? true,
    workers: {
      // Lease about twice what the sandbox / judge runs at once, so they stay busy between rounds.
      score: {
        ...DEFAULT_WORKER_SETTINGS.score,
        batchSize: 2 * sandbox.concurrency,
        ...options.workers?.score,
      },
      judge: {
        ...DEFAULT_WORKER_SETTINGS.judge,
        ...(options.judge ? { batchSize: 2 * options.judge.concurrency } : {}),
        ...options.workers?.judge,
      },
    },
    loadBenchmarkFile: options.loadBenchmarkFile ?? null,
    strategyTrainers: options.strategyTrainers ?? null,
  };
}

/**
 * The bubblewrap sandbox, built on first use: a host without bubblewrap still boots (and says so), and code_eval
 * then fails with the install hint instead of the whole service.
 */
function lazySandbox(opts: EvaluationOptions['sandbox']): CodeSandbox {
  const build = () =>
    new BubblewrapSandbox({
      maxConcurrent: opts.concurrency,
      ...(opts.limits ? { limits: opts.limits } : {}),
    });
  let sandbox: BubblewrapSandbox | null = null;
  try {
    sandbox = build();
  } catch (err) {
    rootLogger().warn({ err }, `code sandbox unavailable, code_eval cannot run: ${(err as Error).message}`);
  }
  return {
    run: async (program: string, runOpts?: SandboxRunOptions) => {
      sandbox ??= build();
      return sandbox.run(program, runOpts);
    },
  };
}

@Module({})
export class EvaluationModule {
  static register(options: EvaluationOptionsInput = {}): DynamicModule {
    const resolved = resolveEvaluationOptions(options);
    return {
      module: EvaluationModule,
      controllers: [EvaluationGrpcController],
      providers: [
        { provide: EVALUATION_OPTIONS, useValue: resolved },
        {
          provide: CODE_SANDBOX,
          useFactory: (): CodeSandbox | null =>
            resolved.sandbox.enabled ? lazySandbox(resolved.sandbox) : null,
        },
        {
          provide: JUDGE_SERVICE,
          useFactory: (): JudgeService | null => (resolved.judge ? createJudgeService(resolved.judge) : null),
        },
        {
          provide: SCORING_REPOSITORY,
          inject: [DATA_SOURCE, EVENT_STORE, IDS],
          useFactory: (ds: DataSource, store: EventStore, ids: IdGenerator) =>
            new TypeOrmScoringRepository(ds, store, ids),
        },
        {
          provide: ACCEPT_LOG_RECORDS_HANDLER,
          inject: [SCORING_REPOSITORY, CODE_SANDBOX, JUDGE_SERVICE, CLOCK],
          useFactory: (
            repository: ScoringRepository,
            sandbox: CodeSandbox | null,
            judge: JudgeService | null,
            clock: Clock,
          ) =>
            new AcceptLogRecordsHandler({
              repository,
              sandbox: sandbox ?? noSandbox,
              clock,
              variant: resolved.metricVariant,
              plan: { judgeEnabled: judge !== null, sandboxEnabled: sandbox !== null },
            }),
        },
        {
          provide: SCORING_WORKERS,
          inject: [SCORING_REPOSITORY, CODE_SANDBOX, JUDGE_SERVICE, CLOCK],
          useFactory: (
            repository: ScoringRepository,
            sandbox: CodeSandbox | null,
            judge: JudgeService | null,
            clock: Clock,
          ) => {
            const workers: ScoringWorker[] = [];
            if (sandbox) {
              workers.push(
                new ScoringWorker({
                  kind: 'score',
                  repository,
                  perform: scoreJobPerformer({ sandbox, variant: resolved.metricVariant, clock }),
                  giveUp: scoreGiveUp(clock),
                  settings: resolved.workers.score,
                  ...workerTelemetry('score'),
                }),
              );
            }
            if (judge) {
              workers.push(
                new ScoringWorker({
                  kind: 'judge',
                  repository,
                  perform: judgeJobPerformer({ judge, clock }),
                  giveUp: judgeGiveUp({ judge, clock }),
                  settings: resolved.workers.judge,
                  ...workerTelemetry('judge'),
                }),
              );
            }
            return new ScoringWorkers(workers, resolved.consumeLogs);
          },
        },
        {
          provide: BENCHMARK_DATA_SOURCE,
          inject: [SCORING_REPOSITORY],
          useFactory: (repository: ScoringRepository) =>
            new ScoredLogBenchmarkSource(repository, resolved.loadBenchmarkFile),
        },
        LogRecordedConsumer,
      ],
      exports: [SCORING_REPOSITORY, JUDGE_SERVICE, CODE_SANDBOX, BENCHMARK_DATA_SOURCE],
    };
  }
}

// Never reached: records are planned as code work only when the sandbox is enabled.
const noSandbox: CodeSandbox = {
  run: () => Promise.reject(new Error('the code sandbox is disabled (SANDBOX_ENABLED=false)')),
};

/** The evaluation context as a process hosts it. */
export function evaluationContext(options: EvaluationOptionsInput = {}): ContextModuleSpec {
  return {
    module: EvaluationModule.register(options),
    grpc: [
      {
        package: 'fusion.evaluation.v1',
        protoFile: 'fusion/evaluation/v1/evaluation.proto',
        services: ['fusion.evaluation.v1.EvaluationService'],
      },
    ],
    persistence: { migrations: [CreateEvaluationTables1767225800000] },
    consumerGroups: [ConsumerGroups.EvaluationScorer],
  };
}
