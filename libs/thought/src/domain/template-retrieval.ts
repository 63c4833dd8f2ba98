import { DomainError } from '@fusion/shared/kernel';
import type { ThoughtTemplate } from './thought-template';

export const DEFAULT_TOP_K = 3;
export const MAX_TOP_K = 50;

/** `top_k` from a request: 0 means the default (3); otherwise 1..50, else INVALID_ARGUMENT. */
export function parseTopK(value: number, field = 'top_k'): number {
  if (value === 0) return DEFAULT_TOP_K;
  if (!Number.isInteger(value) || value < 1 || value > MAX_TOP_K) {
    throw DomainError.invalidArgument(
      field,
      `must be between 1 and ${MAX_TOP_K} (0 for the default ${DEFAULT_TOP_K}), got ${value}`,
    );
  }
  return value;
}

/** Cosine similarity; 0 when the dimensions differ or a vector has no direction. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export interface RankedTemplate {
  template: ThoughtTemplate;
  similarity: number;
}

export interface Retrieval {
  /** The task the candidates came from; null when the library is empty. */
  taskName: string | null;
  matches: RankedTemplate[];
}

function taskKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/**
 * Paper §4.2: candidates are the templates of the query's task (the hint, matched case- and
 * dash-insensitively; else the task of the nearest template overall), ranked by cosine similarity, top k.
 * A hint naming a task without templates is INVALID_ARGUMENT listing the tasks that have some.
 */
export function retrieveTemplates(
  library: readonly ThoughtTemplate[],
  queryEmbedding: Float32Array,
  opts: { taskHint?: string; topK: number },
): Retrieval {
  if (library.length === 0) return { taskName: null, matches: [] };
  const scored = library.map((template) => ({
    template,
    similarity: cosine(queryEmbedding, template.embedding),
  }));
  const byScore = (a: RankedTemplate, b: RankedTemplate): number =>
    b.similarity - a.similarity || a.template.queryId.localeCompare(b.template.queryId);
  let taskName: string;
  const hint = opts.taskHint?.trim() ?? '';
  if (hint !== '') {
    const match = library.find((t) => taskKey(t.taskName) === taskKey(hint));
    if (!match) {
      const known = [...new Set(library.map((t) => t.taskName))].sort();
      throw DomainError.invalidArgument(
        'task_hint',
        `no thought templates for task '${hint}'; tasks with templates: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}`,
      );
    }
    taskName = match.taskName;
  } else {
    taskName = ([...scored].sort(byScore)[0] as RankedTemplate).template.taskName;
  }
  return {
    taskName,
    matches: scored
      .filter((s) => s.template.taskName === taskName)
      .sort(byScore)
      .slice(0, opts.topK),
  };
}
