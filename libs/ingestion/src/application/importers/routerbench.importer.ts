import { basename } from 'node:path';
import { deriveQueryId } from '../../domain/query-identity';
import { RejectionReason } from '../../domain/rejection-reason';
import type { Detection, ImportContext, ImportItem, ImportOrigin, LogImporter } from './log-importer.port';
import { parseLooseNumber, parsePythonStringList } from './python-literal';
import { csvRows, isFile, reject, sniffCsvHeader, splitFromFileName } from './source-rows';
import { validatedItem } from './validated-item';

const RESPONSE_SUFFIX = '|model_response';
const COST_SUFFIX = '|total_cost';
const META_COLUMNS = new Set(['', 'sample_id', 'prompt', 'eval_name', 'oracle_model_to_route_to']);

/** The LLMs of a RouterBench header: every `<llm>` that has a `<llm>|model_response` or `<llm>|total_cost`. */
export function routerBenchLlms(header: readonly string[]): string[] {
  const partnered = new Set<string>();
  for (const c of header) {
    if (c.endsWith(RESPONSE_SUFFIX)) partnered.add(c.slice(0, -RESPONSE_SUFFIX.length));
    else if (c.endsWith(COST_SUFFIX)) partnered.add(c.slice(0, -COST_SUFFIX.length));
  }
  const scored = header.filter((c) => !c.includes('|') && !META_COLUMNS.has(c) && partnered.has(c));
  // An LLM with a response or cost column but no score column still gets candidates (rejected: no score).
  return [...scored, ...[...partnered].filter((l) => !scored.includes(l))];
}

function isRouterBenchHeader(header: readonly string[]): boolean {
  return (
    header.includes('prompt') && header.some((c) => c.endsWith(RESPONSE_SUFFIX) || c.endsWith(COST_SUFFIX))
  );
}

/** A stringified Python list of strings as one text (lines joined); the raw text if it is not one. */
function listText(cell: string): string {
  const items = parsePythonStringList(cell);
  return items ? items.join('\n') : cell;
}

/** Task name from the file name when `eval_name` is empty (`arc_challenge_train.csv` -> `arc_challenge`). */
function taskFromFileName(file: string): string {
  return basename(file)
    .replace(/\.csv$/i, '')
    .replace(/_(train|test)$/i, '');
}

/**
 * RouterBench wide CSV: one row per query; per LLM a 0/1 score column `<llm>`, `<llm>|model_response` (a
 * stringified Python list) and `<llm>|total_cost` (USD). One candidate per (row, LLM); an empty score cell
 * is rejected as `empty_score` naming the LLM. The split comes from the file name (`_train` / `_test`),
 * the task from `eval_name`. Query id = hash of (task, prompt, sample_id): RouterDC reuses sample ids for
 * different prompts and repeats two MBPP prompts across train and test under different sample ids.
 */
export class RouterBenchImporter implements LogImporter {
  readonly format = 'routerbench' as const;

  async detect(path: string): Promise<Detection | null> {
    if (!(await isFile(path)) || !path.toLowerCase().endsWith('.csv')) return null;
    const header = await sniffCsvHeader(path).catch(() => null);
    if (!header || !isRouterBenchHeader(header)) return null;
    return {
      format: this.format,
      confidence: 0.95,
      reason: 'wide CSV with prompt and <llm>|model_response columns',
    };
  }

  async *read(path: string, ctx: ImportContext): AsyncGenerator<ImportItem> {
    const split = splitFromFileName(path);
    let llms: string[] = [];
    for await (const item of csvRows(path, ctx)) {
      if (item.kind === 'header') {
        if (!isRouterBenchHeader(item.header)) {
          yield reject(
            { file: path, line: 1, row: 0 },
            RejectionReason.MalformedRow,
            '(header)',
            'is not a RouterBench header (needs prompt and <llm>|model_response or <llm>|total_cost columns)',
          );
          return;
        }
        llms = routerBenchLlms(item.header);
        continue;
      }
      if (item.kind === 'rejected') {
        yield item;
        continue;
      }
      yield* this.candidates(item.value, item.bad, item.origin, llms, split, path, ctx);
    }
  }

  private *candidates(
    row: Record<string, string>,
    bad: Map<string, { reason: RejectionReason; bytes: number }>,
    origin: ImportOrigin,
    llms: readonly string[],
    split: 'train' | 'test' | null,
    file: string,
    ctx: ImportContext,
  ): Generator<ImportItem> {
    const describeBad = (column: string, issue: { reason: RejectionReason; bytes: number }): string =>
      issue.reason === RejectionReason.FieldTooLarge
        ? `${column} is ${issue.bytes} bytes, over the limit of ${ctx.limits.maxFieldBytes}`
        : `${column} contains bytes that are not valid UTF-8`;
    // A bad shared cell spoils every candidate of the row: one rejection for the row.
    for (const column of ['prompt', 'sample_id', 'eval_name']) {
      const issue = bad.get(column);
      if (issue) {
        yield reject(origin, issue.reason, column, describeBad(column, issue));
        return;
      }
    }
    const taskName = row['eval_name']?.trim() || taskFromFileName(file);
    const sampleId = row['sample_id'] ?? '';
    const query = listText(row['prompt'] ?? '');
    const queryId =
      query.trim() === '' ? undefined : deriveQueryId({ taskName, text: query, sourceKey: sampleId });

    for (const llm of llms) {
      const scoreColumn = llm;
      const responseColumn = `${llm}${RESPONSE_SUFFIX}`;
      const costColumn = `${llm}${COST_SUFFIX}`;
      const badColumn = [scoreColumn, responseColumn, costColumn].find((c) => bad.has(c));
      const badIssue = badColumn ? bad.get(badColumn) : undefined;
      if (badColumn && badIssue) {
        yield reject(origin, badIssue.reason, badColumn, describeBad(badColumn, badIssue), llm);
        continue;
      }
      const scoreCell = row[scoreColumn];
      if (scoreCell === undefined || scoreCell.trim() === '') {
        yield reject(
          origin,
          RejectionReason.EmptyScore,
          scoreColumn,
          scoreCell === undefined ? `has no score column for ${llm}` : `score cell for ${llm} is empty`,
          llm,
        );
        continue;
      }
      const score = parseLooseNumber(scoreCell);
      if (score === null || Number.isNaN(score)) {
        yield reject(
          origin,
          RejectionReason.InvalidType,
          scoreColumn,
          `is not a number: '${scoreCell.slice(0, 40)}'`,
          llm,
        );
        continue;
      }
      const costCell = row[costColumn] ?? '';
      const cost = costCell.trim() === '' ? null : parseLooseNumber(costCell);
      if (cost !== null && Number.isNaN(cost)) {
        yield reject(
          origin,
          RejectionReason.InvalidType,
          costColumn,
          `is not a number: '${costCell.slice(0, 40)}'`,
          llm,
        );
        continue;
      }
      if (cost === null && costCell.trim() !== '') {
        yield reject(
          origin,
          RejectionReason.InvalidType,
          costColumn,
          `is not a number: '${costCell.slice(0, 40)}'`,
          llm,
        );
        continue;
      }
      yield validatedItem(
        ctx,
        {
          task_name: taskName,
          query_id: queryId,
          query,
          llm,
          prompt_mode: 'direct',
          response: listText(row[responseColumn] ?? ''),
          performance: score,
          cost_usd: cost,
          split,
          metadata: { source: 'routerbench', sampleId },
        },
        origin,
        {
          performance: scoreColumn,
          cost_usd: costColumn,
          response: responseColumn,
          query: 'prompt',
          task_name: 'eval_name',
        },
      );
    }
  }
}
