import { candidateOf, PROMPT_MODES, type LogRecord, type PromptMode, type Split } from '@fusion/contracts';
import { DomainError, SeededRandom, stableHash, type FieldViolation } from '@fusion/shared/kernel';
import { deriveQueryId, deriveRecordId } from '../../domain/query-identity';
import { DEMO_MODELS, DEMO_TASKS, type DemoModel, type DemoTask } from './demo-catalog';
import { demoQueryText } from './demo-queries';

/** Size and shape of a synthetic demo log. */
export interface DemoLogOptions {
  /** Same seed, same options: the same records, byte for byte. Default 7. */
  seed?: number;
  /** Queries in total, spread evenly over the tasks (at least one per task). Default 480 (40 per default task). */
  queries?: number;
  /** Share of each task's queries marked `test`; the rest are `train`. Default 0.25. */
  testFraction?: number;
  /** Share of queries that are hard. Default 0.5. */
  hardFraction?: number;
  tenant?: string;
  models?: readonly DemoModel[];
  tasks?: readonly DemoTask[];
  promptModes?: readonly PromptMode[];
  /** ISO time of the first record; later records follow a second apart. Default 2024-12-01T00:00:00Z. */
  startTime?: string;
}

/** A generated demo log. */
export interface DemoLogSet {
  records: LogRecord[];
  queries: number;
  tasks: string[];
  /** Every candidate (`llm` or `llm:think`), sorted. */
  candidates: string[];
  seed: number;
}

/** Marks every demo record and names what made it, wherever the record ends up. */
export const DEMO_GENERATOR = 'fusionfactory-demo/v1';
export const DEMO_NOTICE =
  'synthetic demo data: invented queries, stub responses and simulated scores; model names and per-token prices are real';

const DEFAULTS = { seed: 7, queries: 480, testFraction: 0.25, hardFraction: 0.5, tenant: 'default' };
const DEFAULT_START = '2024-12-01T00:00:00.000Z';
// Chosen so that the best model is right on ~90% of queries and routing beats every single model under balance.
const SLOPE = 9;
const OFFSET = 1.2;
const THINK_SUFFIX = "\nLet's think step by step.";

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Chance that `model` answers a query of difficulty `h` (0 easy .. 1 hard) right. The same model keeps the same
 * per-task quirk (a small fixed offset) under every seed, so who leads which task does not depend on the seed.
 */
export function demoSuccessProbability(
  model: DemoModel,
  task: DemoTask,
  difficulty: number,
  mode: PromptMode,
): number {
  const quirk = (parseInt(stableHash(['demo-skill', model.llm, task.name], 8), 16) / 0xffffffff - 0.5) * 0.08;
  const skill = model.skill[task.domain] + quirk + (mode === 'think' ? task.thinkGain : 0);
  return sigmoid(SLOPE * (skill - difficulty) + OFFSET);
}

function checkOptions(o: Required<Omit<DemoLogOptions, 'startTime'>>, start: number): void {
  const v: FieldViolation[] = [];
  if (!Number.isSafeInteger(o.seed)) v.push({ field: 'seed', reason: `must be an integer, got ${o.seed}` });
  if (o.tasks.length === 0) v.push({ field: 'tasks', reason: 'name at least one task' });
  if (!Number.isSafeInteger(o.queries) || o.queries < o.tasks.length || o.queries > 100_000) {
    v.push({
      field: 'queries',
      reason: `must be a whole number from ${o.tasks.length} (one per task) to 100000, got ${o.queries}`,
    });
  }
  if (!(o.testFraction >= 0 && o.testFraction < 1))
    v.push({ field: 'testFraction', reason: `must be in [0, 1), got ${o.testFraction}` });
  if (!(o.hardFraction >= 0 && o.hardFraction <= 1))
    v.push({ field: 'hardFraction', reason: `must be in [0, 1], got ${o.hardFraction}` });
  if (o.models.length === 0) v.push({ field: 'models', reason: 'name at least one model' });
  if (o.promptModes.length === 0 || o.promptModes.some((m) => !PROMPT_MODES.includes(m)))
    v.push({ field: 'promptModes', reason: `must be a non-empty list of ${PROMPT_MODES.join(', ')}` });
  if (Number.isNaN(start)) v.push({ field: 'startTime', reason: 'must be an ISO-8601 time' });
  if (v.length > 0) throw DomainError.invalidArguments(v);
}

/**
 * Generates a synthetic multi-LLM log: every query answered by every model in every prompt mode, with
 * ground truth, metric, a stub response that carries the (right or wrong) answer, token counts, real list
 * prices, cost, latency and a train/test split. Correctness is drawn from each model's per-domain skill and the
 * query's difficulty; think mode raises accuracy and output tokens. Pure and deterministic for the options.
 * Every record says it is synthetic: task names start `synthetic_`, queries `[synthetic #n]`, responses
 * `[synthetic stub]`, and `metadata.synthetic` is true.
 */
export function generateDemoLogs(options: DemoLogOptions = {}): DemoLogSet {
  const o = {
    seed: options.seed ?? DEFAULTS.seed,
    queries: options.queries ?? DEFAULTS.queries,
    testFraction: options.testFraction ?? DEFAULTS.testFraction,
    hardFraction: options.hardFraction ?? DEFAULTS.hardFraction,
    tenant: options.tenant ?? DEFAULTS.tenant,
    models: options.models ?? DEMO_MODELS,
    tasks: options.tasks ?? DEMO_TASKS,
    promptModes: options.promptModes ?? PROMPT_MODES,
  };
  const start = Date.parse(options.startTime ?? DEFAULT_START);
  checkOptions(o, start);

  const rng = new SeededRandom(o.seed);
  const records: LogRecord[] = [];
  let clockSeconds = 0;
  let queryIndex = 0;
  o.tasks.forEach((task, t) => {
    const count = Math.floor(o.queries / o.tasks.length) + (t < o.queries % o.tasks.length ? 1 : 0);
    // A seeded, per-task split: the first round(n * fraction) of a shuffled order are test.
    const order = rng.shuffle(Array.from({ length: count }, (_, i) => i));
    const testCount =
      count >= 2 ? Math.max(o.testFraction > 0 ? 1 : 0, Math.round(count * o.testFraction)) : 0;
    const testSet = new Set(order.slice(0, testCount));

    for (let i = 0; i < count; i++) {
      queryIndex += 1;
      const hard = rng.next() < o.hardFraction;
      const difficulty = hard ? 0.55 + 0.4 * rng.next() : 0.05 + 0.3 * rng.next();
      const q = demoQueryText(rng, task.answer, task.paperTask, queryIndex, hard);
      const split: Split = testSet.has(i) ? 'test' : 'train';
      const queryId = deriveQueryId({ taskName: task.name, text: q.text });
      for (const model of o.models) {
        for (const mode of o.promptModes) {
          const prompt = mode === 'think' ? `${q.text}${THINK_SUFFIX}` : q.text;
          const correct = rng.next() < demoSuccessProbability(model, task, difficulty, mode);
          const inputTokens = Math.ceil(prompt.length / 4);
          const spread = Math.exp(0.25 * rng.normal());
          const thinkFactor = mode === 'think' ? 3 + 2 * difficulty : 1;
          const outputTokens = Math.max(
            1,
            Math.round(task.outputTokens * model.verbosity * (1 + difficulty) * thinkFactor * spread),
          );
          const costUsd = (inputTokens * model.inputPrice + outputTokens * model.outputPrice) / 1_000_000;
          const latencyMs = Math.round(
            (150 + outputTokens * model.msPerOutputToken) * (0.85 + 0.3 * rng.next()),
          );
          const reasoning =
            mode === 'think' ? 'Step 1: restate the question. Step 2: work it out step by step. ' : '';
          records.push({
            recordId: deriveRecordId({ tenant: o.tenant, queryId, llm: model.llm, promptMode: mode }),
            tenant: o.tenant,
            taskName: task.name,
            taskDomain: task.domain,
            queryId,
            query: prompt,
            promptMode: mode,
            llm: model.llm,
            response: `[synthetic stub] ${reasoning}${correct ? q.right : q.wrong}`,
            groundTruth: q.groundTruth,
            metric: task.metric,
            performance: correct ? 1 : 0,
            judgeScore: null,
            inputTokens,
            outputTokens,
            inputPrice: model.inputPrice,
            outputPrice: model.outputPrice,
            costUsd,
            latencyMs,
            split,
            createdAt: new Date(start + clockSeconds++ * 1000).toISOString(),
            metadata: {
              synthetic: true,
              generator: DEMO_GENERATOR,
              notice: DEMO_NOTICE,
              seed: o.seed,
              difficulty: Math.round(difficulty * 1000) / 1000,
              paperTask: task.paperTask,
            },
          });
        }
      }
    }
  });

  const candidates = [...new Set(records.map((r) => candidateOf(r.llm, r.promptMode)))].sort();
  return { records, queries: queryIndex, tasks: o.tasks.map((t) => t.name), candidates, seed: o.seed };
}
