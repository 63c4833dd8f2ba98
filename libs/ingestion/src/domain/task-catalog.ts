import type { TaskDomain } from '@fusion/contracts';

/** What the platform knows about a task: its domain and the metric its scores come from. */
export interface TaskInfo {
  /** Canonical task name (the paper's spelling where it has one). */
  name: string;
  domain: TaskDomain;
  /** Default metric name; null where the source defines none. */
  defaultMetric: string | null;
  /** Other spellings seen in sources (matched after {@link taskKey}). */
  aliases: readonly string[];
}

/** The name used for records that come without a task. */
export const UNKNOWN_TASK = 'unknown';

/** Lookup key of a task name: case-, dash- and space-insensitive (`ARC-Challenge` = `arc_challenge`). */
export function taskKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** The paper's 14 LLMFusionBench tasks (§1.2), RouterBench's eval names and arena-style chat. */
export const DEFAULT_TASKS: readonly TaskInfo[] = [
  {
    name: 'natural_qa',
    domain: 'world_knowledge',
    defaultMetric: 'cem',
    aliases: ['nq', 'natural_questions'],
  },
  { name: 'trivia_qa', domain: 'world_knowledge', defaultMetric: 'cem', aliases: ['triviaqa'] },
  { name: 'squad', domain: 'reading', defaultMetric: 'cem', aliases: [] },
  { name: 'boolq', domain: 'reading', defaultMetric: 'cem', aliases: [] },
  { name: 'mmlu', domain: 'popular', defaultMetric: 'em_mc', aliases: [] },
  { name: 'gpqa', domain: 'popular', defaultMetric: 'em_mc', aliases: [] },
  { name: 'mbpp', domain: 'code', defaultMetric: 'code_eval', aliases: [] },
  { name: 'human_eval', domain: 'code', defaultMetric: 'code_eval', aliases: ['humaneval'] },
  { name: 'gsm8k', domain: 'math', defaultMetric: 'GSM8K', aliases: [] },
  { name: 'math', domain: 'math', defaultMetric: 'MATH', aliases: ['hendrycks_math'] },
  { name: 'commonsense_qa', domain: 'commonsense', defaultMetric: 'em_mc', aliases: ['csqa'] },
  { name: 'openbook_qa', domain: 'commonsense', defaultMetric: 'em_mc', aliases: ['obqa', 'openbookqa'] },
  { name: 'arc_challenge', domain: 'commonsense', defaultMetric: 'em_mc', aliases: ['arc'] },
  { name: 'hellaswag', domain: 'commonsense', defaultMetric: 'em_mc', aliases: [] },
  // RouterBench scores these 0/1 (exact match, pass@1); arc-challenge and mbpp resolve to the entries above.
  { name: 'winogrande', domain: 'commonsense', defaultMetric: 'em_mc', aliases: ['winograde'] },
  {
    name: 'arena',
    domain: 'general',
    defaultMetric: 'llm_judge',
    aliases: ['arena_bench_v1', 'arena_hard', 'arena_hard_200', 'mt_bench'],
  },
  { name: UNKNOWN_TASK, domain: 'general', defaultMetric: null, aliases: [] },
];

/** Task name -> domain and default metric. Unknown tasks resolve to domain `general`. */
export class TaskCatalog {
  private readonly byKey = new Map<string, TaskInfo>();

  constructor(tasks: readonly TaskInfo[] = DEFAULT_TASKS) {
    for (const t of tasks) {
      this.byKey.set(taskKey(t.name), t);
      for (const a of t.aliases) this.byKey.set(taskKey(a), t);
    }
  }

  /** The catalog entry, or null when the task is not known. */
  find(name: string): TaskInfo | null {
    return this.byKey.get(taskKey(name)) ?? null;
  }

  /** Domain of a task; `general` for unknown tasks. */
  domainOf(name: string): TaskDomain {
    return this.find(name)?.domain ?? 'general';
  }

  defaultMetricOf(name: string): string | null {
    return this.find(name)?.defaultMetric ?? null;
  }

  list(): TaskInfo[] {
    return [...new Set(this.byKey.values())];
  }
}

export const defaultTaskCatalog = new TaskCatalog();
