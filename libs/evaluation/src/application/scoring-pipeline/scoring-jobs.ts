import type { Clock } from '@fusion/shared/kernel';
import type { JudgeVerdict } from '../../domain/judge/judge-verdict';
import type { MetricVariant } from '../../domain/metrics/metric';
import type { JudgeService } from '../judge/judge.service';
import type { CodeSandbox } from '../scoring/code-sandbox.port';
import { responseJudgedEvent, responseScoredEvent } from './scoring-events';
import { scoreSubject } from './scoring-plan';
import type { MetricOutcome, ScoringJob, ScoringResult } from './scoring-pipeline.port';

/** Does one job's slow part (no transaction is open meanwhile) and returns the result to store. */
export type JobPerformer = (job: ScoringJob, signal: AbortSignal) => Promise<ScoringResult>;

/** The final result of a job that kept failing on infrastructure: recorded as not scored / not judged, never 0. */
export type GiveUp = (job: ScoringJob, error: string) => ScoringResult;

export function scoreJobPerformer(deps: {
  sandbox: CodeSandbox;
  variant: MetricVariant;
  clock: Clock;
}): JobPerformer {
  return async (job) => {
    const outcome = await scoreSubject(job.subject, deps.variant, deps.sandbox);
    return scoreResult(job, outcome, deps.clock);
  };
}

export function scoreGiveUp(clock: Clock): GiveUp {
  return (job, error) =>
    scoreResult(
      job,
      { metric: 'code_eval', variant: null, performance: null, reason: `not scored: ${error}` },
      clock,
    );
}

function scoreResult(job: ScoringJob, outcome: MetricOutcome, clock: Clock): ScoringResult {
  return {
    kind: 'score',
    subject: job.subject,
    origin: job.origin,
    outcome,
    at: clock.now().toISOString(),
    event: responseScoredEvent(job.subject, outcome, job.origin),
  };
}

export function judgeJobPerformer(deps: { judge: JudgeService; clock: Clock }): JobPerformer {
  return async (job, signal) => {
    const s = job.subject;
    const verdict = await deps.judge.judge(
      { query: s.query, groundTruth: s.groundTruth, response: s.response },
      { signal },
    );
    return judgeResult(job, verdict, deps.clock);
  };
}

export function judgeGiveUp(deps: { judge: JudgeService; clock: Clock }): GiveUp {
  return (job, error) =>
    judgeResult(
      job,
      {
        status: 'not_judged',
        score: null,
        judgeModel: deps.judge.judgeModel,
        promptVersion: deps.judge.promptVersion,
        rawOutput: null,
        error: { kind: 'call_failed', message: error },
        attempts: job.attempts,
      },
      deps.clock,
    );
}

function judgeResult(job: ScoringJob, verdict: JudgeVerdict, clock: Clock): ScoringResult {
  return {
    kind: 'judge',
    subject: job.subject,
    origin: job.origin,
    verdict,
    at: clock.now().toISOString(),
    event: responseJudgedEvent(job.subject, verdict, job.origin),
  };
}
