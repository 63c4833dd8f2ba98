import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import type { evaluationV1 } from '@fusion/contracts/grpc';
import { DomainError } from '@fusion/shared/kernel';
import { counter } from '@fusion/shared/telemetry';
import { toGrpcError } from '@fusion/shared/transport';
import { resolve } from 'node:path';
import { judgeInputViolations } from '../../domain/judge/judge.prompt';
import { METRIC_REGISTRY, resolveMetric, type MetricName } from '../../domain/metrics/metric-registry';
import type { JudgeService } from '../../application/judge/judge.service';
import type { CodeSandbox } from '../../application/scoring/code-sandbox.port';
import { scoreResponse } from '../../application/scoring/score-response.handler';
import type { MetricVariant } from '../../domain/metrics/metric';
import type { BenchmarkDataSource } from '../../application/benchmark-rpc/benchmark-data-source.port';
import { handleBenchmarkRequest } from '../../application/benchmark-rpc/run-benchmark-request.handler';
import { judgeErrorText, judgeRawOutput } from '../../application/scoring-pipeline/scoring-events';
import { renderBenchmarkConsoleTable } from '../report/console-table.renderer';
import { serializeBenchmarkReport } from '../report/json-report.serializer';
import { FileBenchmarkReportWriter } from '../report/report-files.writer';
import {
  BENCHMARK_DATA_SOURCE,
  CODE_SANDBOX,
  EVALUATION_OPTIONS,
  JUDGE_SERVICE,
  type EvaluationOptions,
} from '../evaluation.tokens';

const METRIC_DESCRIPTIONS: Record<MetricName, string> = {
  em: 'exact match after normalisation (case, punctuation, articles, whitespace)',
  cem: 'cover exact match: the normalised reference occurs in the normalised response',
  em_mc: 'multiple choice: the chosen option letter equals the reference letter',
  f1: 'token-level F1 between response and reference (alias f1_score)',
  gsm8k: 'GSM8K: the final number of the response equals the number after #### (alias GSM8K)',
  math: "MATH: the last \\boxed{} answer is equivalent to the reference's (alias MATH)",
  code_eval: 'MBPP / HumanEval: the extracted code passes the tests, run in the bubblewrap sandbox',
};

const JUDGE_ENV_HINT =
  'set JUDGE_BASE_URL (an OpenAI-compatible server) and JUDGE_MODEL, plus JUDGE_API_KEY if the server needs one (JUDGE_ENABLED defaults to on when both are set)';

const rpcScores = counter('fusion_evaluation_rpc_scores_total', 'ScoreResponse calls by metric', ['metric']);

/** gRPC adapter of the evaluation context. */
@Controller()
export class EvaluationGrpcController {
  constructor(
    @Inject(CODE_SANDBOX) private readonly sandbox: CodeSandbox | null,
    @Inject(JUDGE_SERVICE) private readonly judge: JudgeService | null,
    @Inject(BENCHMARK_DATA_SOURCE) private readonly data: BenchmarkDataSource,
    @Inject(EVALUATION_OPTIONS) private readonly options: EvaluationOptions,
  ) {}

  @GrpcMethod('EvaluationService', 'ScoreResponse')
  async scoreResponse(req: evaluationV1.ScoreResponseRequest): Promise<evaluationV1.ScoreResponseResponse> {
    if (!req.metric) {
      throw DomainError.invalidArgument(
        'metric',
        `is required; supported: ${METRIC_REGISTRY.map((d) => d.name).join(', ')}`,
      );
    }
    const def = resolveMetric(req.metric);
    if (def.kind === 'code' && !this.sandbox) {
      throw DomainError.failedPrecondition(
        'code_eval runs code in the sandbox, which is disabled in this service (SANDBOX_ENABLED=false)',
      );
    }
    const r = await scoreResponse(
      {
        metric: req.metric,
        ...(req.variant ? { variant: req.variant as MetricVariant } : {}),
        response: req.response,
        groundTruth: req.groundTruth,
        taskName: req.taskName,
        ...(req.taskId ? { taskId: req.taskId } : {}),
        ...(req.prompt ? { prompt: req.prompt } : {}),
      },
      { sandbox: this.sandbox ?? refuseSandbox },
    );
    rpcScores.inc({ metric: r.metric });
    return {
      ...(r.performance !== null ? { performance: r.performance } : {}),
      reason: r.reason ?? '',
      metric: r.metric,
      variant: r.variant,
    };
  }

  @GrpcMethod('EvaluationService', 'JudgeResponse')
  async judgeResponse(req: evaluationV1.JudgeResponseRequest): Promise<evaluationV1.JudgeResponseResponse> {
    if (!this.judge)
      throw DomainError.failedPrecondition(`no LLM judge is configured in this service: ${JUDGE_ENV_HINT}`);
    const input = {
      query: req.query,
      groundTruth: req.groundTruth === '' ? null : req.groundTruth,
      response: req.response,
    };
    const violations = judgeInputViolations(input);
    if (violations.length > 0) throw DomainError.invalidArguments(violations);
    const v = await this.judge.judge(input);
    return {
      status: v.status,
      ...(v.score !== null ? { score: v.score } : {}),
      judgeModel: v.judgeModel,
      promptVersion: v.promptVersion,
      rawOutput: judgeRawOutput(v) ?? '',
      error: judgeErrorText(v) ?? '',
    };
  }

  @GrpcMethod('EvaluationService', 'ListMetrics')
  listMetrics(): evaluationV1.ListMetricsResponse {
    return {
      metrics: METRIC_REGISTRY.map((d) => ({
        name: d.name,
        variants: [...d.variants],
        description: METRIC_DESCRIPTIONS[d.name],
      })),
    };
  }

  @GrpcMethod('EvaluationService', 'RunBenchmark')
  runBenchmark(req: evaluationV1.RunBenchmarkRequest): Observable<evaluationV1.RunBenchmarkResponse> {
    return new Observable<evaluationV1.RunBenchmarkResponse>((sub) => {
      const frame = (
        phase: string,
        message: string,
        progress: number,
      ): evaluationV1.RunBenchmarkResponse => ({
        phase,
        message,
        progress,
        done: false,
        reportJson: '',
        table: '',
        jsonPath: '',
        htmlPath: '',
      });
      handleBenchmarkRequest(
        {
          dataPath: req.dataPath,
          format: req.format,
          tenant: req.tenant,
          scenarios: req.scenarios ?? [],
          routers: req.routers ?? [],
          // proto3 scalars: 0 means "not given".
          seed: req.seed ? Number(req.seed) : null,
          testFraction: req.testFraction ? req.testFraction : null,
          outDir: req.outDir,
        },
        {
          data: this.data,
          trainers: this.options.strategyTrainers,
          writer: new FileBenchmarkReportWriter(),
          reportDir: resolve(this.options.reportDir),
          dataRoots: this.options.dataRoots,
        },
        (p) => sub.next(frame(p.phase, p.message, p.progress)),
      ).then(
        ({ report, written }) => {
          sub.next({
            ...frame('done', `benchmark of ${report.dataset.name ?? 'logs'} finished`, 1),
            done: true,
            reportJson: serializeBenchmarkReport(report),
            table: renderBenchmarkConsoleTable(report),
            jsonPath: written?.jsonPath ?? '',
            htmlPath: written?.htmlPath ?? '',
          });
          sub.complete();
        },
        (err: unknown) => sub.error(toGrpcError(err)),
      );
    });
  }
}

const refuseSandbox: CodeSandbox = {
  run: () =>
    Promise.reject(DomainError.failedPrecondition('the code sandbox is disabled (SANDBOX_ENABLED=false)')),
};
