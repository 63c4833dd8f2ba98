import type { ThoughtTemplatesBuiltV1 } from '@fusion/contracts';
import { DomainError, ErrorCode, isDomainError, type Clock, type IdGenerator } from '@fusion/shared/kernel';
import type { Embedder } from '@fusion/shared/llm';
import { firstQueriesPerTask, groupByTaskAndQuery, type QueryGroup } from '../../domain/query-groups';
import { parseSelection, selectResponses } from '../../domain/template-selection';
import type { ThoughtTemplate } from '../../domain/thought-template';
import type { BuildContext, ThoughtLibraryStore } from '../ports/thought-library-store.port';
import type { ThoughtResponseReader } from '../ports/thought-response-reader.port';
import type { Summarizer } from '../ports/summarizer.port';
import type { BuildTemplatesCommand, BuildTemplatesResult } from './build-templates.command';

/** A build fails when more than this share of its summaries fail (the paper retries until ≤ 10%). */
export const MAX_FAILED_SHARE = 0.1;
export const MAX_QUERIES_PER_TASK = 100_000;

export interface BuildTemplatesDeps {
  responses: ThoughtResponseReader;
  library: ThoughtLibraryStore;
  summarizer: Summarizer;
  embedder: Embedder;
  ids: IdGenerator;
  clock: Clock;
  defaultQueriesPerTask: number;
  /** Summaries requested at once. */
  concurrency: number;
  /** Told after a build committed (the retrieval cache drops the tenant). */
  onBuilt?: (tenant: string) => void;
}

interface Selected {
  group: QueryGroup;
  responses: ReturnType<typeof selectResponses>;
}

async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * BuildTemplates (paper §4.1): group the train-split rows by task and query, pick each query's best
 * responses by the selection strategy, summarise them into a template, embed the query, and replace the
 * tenant's library (with a `ThoughtTemplatesBuilt` event) in one transaction.
 */
export class BuildTemplatesHandler {
  constructor(private readonly deps: BuildTemplatesDeps) {}

  async execute(cmd: BuildTemplatesCommand, ctx: BuildContext = {}): Promise<BuildTemplatesResult> {
    const selection = parseSelection(cmd.selection);
    const queriesPerTask = this.queriesPerTask(cmd.queriesPerTask);
    const tenant = cmd.tenant;
    const expectedVersion = await this.deps.library.version(tenant);
    // Only the picked queries' rows are loaded: a full log holds tens of thousands of queries.
    const picked = firstQueriesPerTask(await this.deps.responses.listTrainQueries(tenant), queriesPerTask);
    if (picked.length === 0) throw await this.nothingToBuildFrom(tenant);
    const rows = await this.deps.responses.listTrainResponses(
      tenant,
      picked.map((q) => q.queryId),
    );

    const selected: Selected[] = groupByTaskAndQuery(rows, queriesPerTask)
      .flatMap((t) => t.queries)
      .map((group) => ({ group, responses: selectResponses(group.responses, selection) }))
      .filter((s) => s.responses.length > 0);
    if (selected.length === 0) {
      throw DomainError.failedPrecondition(
        `tenant '${tenant}' has train-split log records, but only blank responses to summarise`,
      );
    }

    const summaries = await mapPool(selected, this.deps.concurrency, async (s) => {
      try {
        const text = await this.deps.summarizer.summarize({
          taskName: s.group.taskName,
          query: s.group.query,
          responses: s.responses.map((r) => ({ llm: r.llm, response: r.response })),
        });
        return { ok: true as const, text };
      } catch (error) {
        return { ok: false as const, error };
      }
    });
    const failures = summaries.flatMap((r, i) =>
      r.ok ? [] : [{ at: selected[i] as Selected, error: r.error }],
    );
    if (failures.length > MAX_FAILED_SHARE * selected.length)
      throw this.summariesFailed(failures, selected.length);

    const kept = selected.flatMap((s, i) => {
      const r = summaries[i];
      return r?.ok ? [{ ...s, text: r.text }] : [];
    });
    const vectors = await this.deps.embedder.embed(kept.map((k) => k.group.query));
    const builtAt = this.deps.clock.now().toISOString();
    const templates: ThoughtTemplate[] = kept.map((k, i) => ({
      taskName: k.group.taskName,
      queryId: k.group.queryId,
      query: k.group.query,
      template: k.text,
      selection,
      summarizer: this.deps.summarizer.id,
      embedding: vectors[i] as Float32Array,
      metadata: {
        summarizer: this.deps.summarizer.id,
        selection,
        builtAt,
        sources: k.responses.map((r) => ({
          recordId: r.recordId,
          llm: r.llm,
          promptMode: r.promptMode,
          performance: r.performance,
          judgeScore: r.judgeScore,
          costUsd: r.costUsd,
        })),
      },
    }));
    const tasks = [...new Set(templates.map((t) => t.taskName))].sort();
    const build: ThoughtTemplatesBuiltV1 = {
      buildId: `tb-${this.deps.ids.next()}`,
      selection,
      summarizer: this.deps.summarizer.id,
      embedder: this.deps.embedder.id,
      queriesPerTask,
      templates: templates.length,
      tasks,
      failed: failures.length,
    };
    await this.deps.library.replace(tenant, build, templates, expectedVersion, ctx);
    this.deps.onBuilt?.(tenant);
    return {
      buildId: build.buildId,
      templates: templates.length,
      tasks: tasks.length,
      summarizer: build.summarizer,
      selection,
      failed: failures.length,
    };
  }

  private queriesPerTask(value: number): number {
    if (value === 0) return this.deps.defaultQueriesPerTask;
    if (!Number.isInteger(value) || value < 1 || value > MAX_QUERIES_PER_TASK) {
      throw DomainError.invalidArgument(
        'queries_per_task',
        `must be between 1 and ${MAX_QUERIES_PER_TASK} (0 for the default ${this.deps.defaultQueriesPerTask}), got ${value}`,
      );
    }
    return value;
  }

  private async nothingToBuildFrom(tenant: string): Promise<DomainError> {
    const { total } = await this.deps.responses.counts(tenant);
    const how =
      'import logs whose records carry split=train (`fusion import <file>`), or generate synthetic ones with `fusion demo-data` and import them';
    return DomainError.failedPrecondition(
      total === 0
        ? `no log records for tenant '${tenant}' to build thought templates from: ${how}`
        : `tenant '${tenant}' has ${total} log records but none in the train split with a response: templates are built from train-split logs only; ${how}`,
      { tenant, records: total },
    );
  }

  private summariesFailed(failures: { at: Selected; error: unknown }[], attempted: number): DomainError {
    const first = failures[0] as { at: Selected; error: unknown };
    const why = first.error instanceof Error ? first.error.message : String(first.error);
    const code = isDomainError(first.error) ? first.error.code : ErrorCode.Unavailable;
    return new DomainError(
      code === ErrorCode.InvalidArgument ? ErrorCode.FailedPrecondition : code,
      `thought summariser ${this.deps.summarizer.id} failed for ${failures.length} of ${attempted} queries (more than ${MAX_FAILED_SHARE * 100}% allowed), so nothing was stored; first failure (task ${first.at.group.taskName}, query ${first.at.group.queryId}): ${why}`,
      {
        details: { summarizer: this.deps.summarizer.id, failed: failures.length, attempted },
        cause: first.error,
      },
    );
  }
}
