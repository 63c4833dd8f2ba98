import { DomainError } from '@fusion/shared/kernel';
import {
  buildHumanEvalProgram,
  buildMbppProgram,
  codeTaskOf,
  extractHumanEvalCompletion,
  extractHumanEvalPrompt,
  extractMbppCode,
  humanEvalEntryPoint,
  parseMbppTests,
} from '../../domain/metrics/code-eval.metric';
import { isMetricError, type MetricVariant } from '../../domain/metrics/metric';
import { resolveMetric, resolveVariant } from '../../domain/metrics/metric-registry';
import type { ScoreResponseCommand, ScoreResponseDeps, ScoreResponseResult } from './score-response.command';

type Verdict = Pick<ScoreResponseResult, 'performance' | 'reason'>;

/**
 * Scores one response with its task metric. An unknown metric or variant, or a response that is not a string,
 * throws a DomainError (INVALID_ARGUMENT) naming the field. A row the metric cannot judge (e.g. a MATH reference
 * without `\boxed{}`) gets `performance: null` and the reason. code_eval runs the program in `deps.sandbox`;
 * a sandbox that cannot start throws, it is never scored 0.
 */
export async function scoreResponse(
  cmd: ScoreResponseCommand,
  deps: ScoreResponseDeps,
): Promise<ScoreResponseResult> {
  const def = resolveMetric(cmd.metric);
  const variant = resolveVariant(cmd.variant);
  if (typeof cmd.response !== 'string') {
    throw DomainError.invalidArgument(
      'response',
      `must be a string, got ${cmd.response === null ? 'null' : typeof cmd.response}`,
    );
  }
  let verdict: Verdict;
  try {
    if (def.kind === 'text') {
      if (typeof cmd.groundTruth !== 'string') {
        throw DomainError.invalidArgument('groundTruth', `${def.name} needs a string ground truth`);
      }
      const { score, reason } = def.metric.score(cmd.response, cmd.groundTruth, variant);
      verdict = { performance: score, reason };
    } else {
      verdict = await scoreCode(cmd, variant, deps);
    }
  } catch (err) {
    if (!isMetricError(err)) throw err;
    verdict = { performance: null, reason: err.message };
  }
  return { ...verdict, metric: def.name, variant };
}

async function scoreCode(
  cmd: ScoreResponseCommand,
  variant: MetricVariant,
  deps: ScoreResponseDeps,
): Promise<Verdict> {
  const task = codeTaskOf(cmd.taskName, cmd.taskId);
  if (task === null) {
    return {
      performance: null,
      reason: `taskName: code_eval needs task mbpp or human_eval (or a HumanEval/<n> taskId), got ${JSON.stringify(cmd.taskName)}`,
    };
  }
  let program: string;
  if (task === 'mbpp') {
    const tests = parseMbppTests(cmd.groundTruth);
    const code = extractMbppCode(cmd.response, variant);
    if (code.trim() === '') return { performance: 0, reason: 'no code in the response' };
    program = buildMbppProgram(code, tests);
  } else {
    if (typeof cmd.groundTruth !== 'string' || !/\bdef\s+check\s*\(/.test(cmd.groundTruth)) {
      return {
        performance: null,
        reason: 'groundTruth: HumanEval ground truth must be test code defining check(candidate)',
      };
    }
    if (cmd.prompt === undefined || cmd.prompt.trim() === '') {
      return {
        performance: null,
        reason: 'prompt: HumanEval needs the function prompt the completion continues',
      };
    }
    const prompt = extractHumanEvalPrompt(cmd.prompt);
    const entryPoint = cmd.entryPoint ?? humanEvalEntryPoint(prompt);
    if (entryPoint === null) {
      return { performance: null, reason: 'entryPoint: not given and the prompt has no top-level def' };
    }
    const completion = extractHumanEvalCompletion(cmd.response, variant);
    if (completion.trim() === '') return { performance: 0, reason: 'no code in the response' };
    program = buildHumanEvalProgram(prompt, completion, cmd.groundTruth, entryPoint);
  }
  const run = await deps.sandbox.run(
    program,
    cmd.timeoutMs === undefined ? {} : { timeoutMs: cmd.timeoutMs },
  );
  return run.passed ? { performance: 1, reason: null } : { performance: 0, reason: run.reason };
}
