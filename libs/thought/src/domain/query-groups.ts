import { stripThinkPhrase } from './think-phrase';
import type { ThoughtResponse } from './thought-response';

/** One query of a task with every logged answer to it (direct and think rows together). */
export interface QueryGroup {
  taskName: string;
  queryId: string;
  /** The direct-mode text (the think instruction removed). */
  query: string;
  responses: ThoughtResponse[];
}

/** A query as listed before its responses are loaded. */
export interface QueryRef {
  taskName: string;
  queryId: string;
  query: string;
}

/**
 * The first `queriesPerTask` queries of each task in sorted order of their text (think instruction removed),
 * tasks sorted: the queries a build summarises (paper §4.1 step 2).
 */
export function firstQueriesPerTask(queries: readonly QueryRef[], queriesPerTask: number): QueryRef[] {
  const byTask = new Map<string, QueryRef[]>();
  for (const q of queries) {
    const list = byTask.get(q.taskName) ?? [];
    list.push({ ...q, query: stripThinkPhrase(q.query) });
    byTask.set(q.taskName, list);
  }
  return [...byTask.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([, list]) =>
      list
        .sort((a, b) => a.query.localeCompare(b.query) || a.queryId.localeCompare(b.queryId))
        .slice(0, queriesPerTask),
    );
}

export interface TaskQueries {
  taskName: string;
  queries: QueryGroup[];
}

/**
 * Groups rows by task, then by query id, and keeps the first `queriesPerTask` queries of each task in sorted
 * order of their text (paper §4.1 steps 1-2). Tasks and queries come out sorted, so a build is reproducible.
 */
export function groupByTaskAndQuery(rows: readonly ThoughtResponse[], queriesPerTask: number): TaskQueries[] {
  const tasks = new Map<string, Map<string, QueryGroup>>();
  for (const r of rows) {
    const queries = tasks.get(r.taskName) ?? new Map<string, QueryGroup>();
    tasks.set(r.taskName, queries);
    const group = queries.get(r.queryId);
    if (!group) {
      queries.set(r.queryId, {
        taskName: r.taskName,
        queryId: r.queryId,
        query: stripThinkPhrase(r.query),
        responses: [r],
      });
      continue;
    }
    group.responses.push(r);
    // The direct row's text is the query as asked; a think row's only stands in until one arrives.
    if (r.promptMode === 'direct') group.query = stripThinkPhrase(r.query);
  }
  return [...tasks.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([taskName, queries]) => ({
      taskName,
      queries: [...queries.values()]
        .sort((a, b) => a.query.localeCompare(b.query) || a.queryId.localeCompare(b.queryId))
        .slice(0, queriesPerTask),
    }));
}
