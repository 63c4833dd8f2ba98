import { extname } from 'node:path';
import { deriveQueryId } from '../../domain/query-identity';
import { RejectionReason, violation, type RecordViolation } from '../../domain/rejection-reason';
import { FUSIONBENCH_ONLY_COLUMNS } from './fusionbench.columns';
import type { Detection, ImportContext, ImportItem, ImportOrigin, LogImporter } from './log-importer.port';
import { parseLooseNumber, parseTensor } from './python-literal';
import {
  csvRows,
  isFile,
  jsonlValues,
  parquetColumns,
  parquetRows,
  reject,
  sniffBytes,
  sniffCsvHeader,
  sniffJsonObject,
  splitFromFileName,
} from './source-rows';
import { validatedItem } from './validated-item';

const THINK_SUFFIX = '_think';
const DEFAULT_BLOCK_SIZE = 40;
const MICRO_DOLLARS_PER_USD = 1_000_000;

/** Canonical field -> the FusionBench column a violation should name. */
const SOURCE_FIELDS: Readonly<Record<string, string>> = {
  cost_usd: 'cost',
  input_tokens: 'input_tokens_num',
  output_tokens: 'output_tokens_num',
  judge_score: 'llm_judge',
};

type FileKind = 'csv' | 'jsonl' | 'parquet';

function looksLikeFusionBench(columns: readonly string[]): boolean {
  const set = new Set(columns);
  return set.has('query') && set.has('llm') && columns.some((c) => FUSIONBENCH_ONLY_COLUMNS.has(c));
}

function isMissing(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    (typeof v === 'string' && v.trim() === '') ||
    (typeof v === 'number' && Number.isNaN(v))
  );
}

/**
 * LLMFusionBench long format (paper §1.7), from CSV, JSONL or Parquet: one row per (query, LLM, mode).
 * - `llm` ending `_think` is the think prompt mode of that LLM;
 * - `performance` may be a number, `np.float64(x)` or a code task's `{'pass@1': x}`;
 * - `cost` is in micro-dollars (tokens x $/M) and becomes USD;
 * - rows come in blocks of 40 per query (20 LLMs x 2 modes); a think row shares its direct row's query id,
 *   and a block of another size is reported as a notice;
 * - `tensor([...])` embeddings are ignored unless `parseEmbeddings` is set, then the block's first-row query
 *   embedding goes into every row's `metadata.queryEmbedding` (summarised tensors cannot be parsed).
 */
export class FusionBenchImporter implements LogImporter {
  readonly format = 'fusionbench' as const;

  async detect(path: string): Promise<Detection | null> {
    const kind = await this.fileKind(path);
    if (!kind) return null;
    let columns: string[] | null = null;
    if (kind === 'parquet') columns = await parquetColumns(path);
    else if (kind === 'csv') columns = await sniffCsvHeader(path).catch(() => null);
    else columns = Object.keys((await sniffJsonObject(path).catch(() => null)) ?? {});
    if (!columns || !looksLikeFusionBench(columns)) return null;
    return {
      format: this.format,
      confidence: 0.9,
      reason: `LLMFusionBench ${kind} (query, llm and FusionBench-only columns)`,
    };
  }

  async *read(path: string, ctx: ImportContext): AsyncGenerator<ImportItem> {
    const kind = (await this.fileKind(path)) ?? 'jsonl';
    const mapper = new FusionBenchRowMapper(ctx, path);
    if (kind === 'csv') {
      for await (const item of csvRows(path, ctx)) {
        if (item.kind === 'header') continue;
        if (item.kind === 'rejected') yield item;
        else {
          const badCell = [...item.bad.entries()][0];
          if (badCell) {
            const [column, issue] = badCell;
            const llm = item.value['llm'] || undefined;
            yield reject(
              item.origin,
              issue.reason,
              column,
              issue.reason === RejectionReason.FieldTooLarge
                ? `is ${issue.bytes} bytes, over the limit of ${ctx.limits.maxFieldBytes}`
                : 'contains bytes that are not valid UTF-8',
              llm,
            );
          } else yield* mapper.map(item.value, item.origin);
        }
      }
    } else {
      const rows = kind === 'parquet' ? parquetRows(path) : jsonlValues(path, ctx);
      for await (const item of rows) {
        if (item.kind === 'rejected') yield item;
        else if (item.value === null || typeof item.value !== 'object' || Array.isArray(item.value)) {
          yield reject(item.origin, RejectionReason.InvalidType, '(row)', 'must be a JSON object');
        } else yield* mapper.map(item.value as Record<string, unknown>, item.origin);
      }
    }
    yield* mapper.finish();
  }

  private async fileKind(path: string): Promise<FileKind | null> {
    if (!(await isFile(path))) return null;
    const ext = extname(path).toLowerCase();
    if (ext === '.parquet' || ext === '.pq') return 'parquet';
    if (ext === '.csv') return 'csv';
    if (ext === '.jsonl' || ext === '.json' || ext === '.ndjson') return 'jsonl';
    const head = await sniffBytes(path, 4).catch(() => new Uint8Array());
    return new TextDecoder().decode(head) === 'PAR1' ? 'parquet' : null;
  }
}

/** Maps FusionBench rows to items; keeps the state of the current query block. */
class FusionBenchRowMapper {
  private readonly fileSplit: 'train' | 'test' | null;
  private readonly blockSize: number | null;
  private block: { queryId: string; rows: number; origin: ImportOrigin; embedding: number[] | null } | null =
    null;
  private previousDirect: { llm: string; taskName: string; queryId: string } | null = null;

  constructor(
    private readonly ctx: ImportContext,
    file: string,
  ) {
    this.fileSplit = splitFromFileName(file);
    this.blockSize = ctx.blockSize === undefined ? DEFAULT_BLOCK_SIZE : ctx.blockSize;
  }

  *map(row: Record<string, unknown>, origin: ImportOrigin): Generator<ImportItem> {
    const cellViolations: RecordViolation[] = [];
    const num = (column: string, scale = 1): number | null | undefined => {
      const raw = row[column];
      if (isMissing(raw)) return null;
      const n = parseLooseNumber(raw);
      if (n === null) {
        const shown = typeof raw === 'string' ? `'${raw.slice(0, 40)}'` : typeof raw;
        cellViolations.push(
          violation(
            column,
            RejectionReason.InvalidType,
            `is not a number, np.float64(x) or {'pass@1': x}: ${shown}`,
          ),
        );
        return undefined;
      }
      // pandas writes a missing score as NaN.
      return Number.isNaN(n) ? null : n / scale;
    };

    const llmRaw = row['llm'];
    let llm: unknown = llmRaw;
    let promptMode: 'direct' | 'think' = 'direct';
    if (typeof llmRaw === 'string' && llmRaw.endsWith(THINK_SUFFIX) && llmRaw.length > THINK_SUFFIX.length) {
      llm = llmRaw.slice(0, -THINK_SUFFIX.length);
      promptMode = 'think';
    }
    const taskName = typeof row['task_name'] === 'string' ? row['task_name'] : '';
    const query = row['query'];

    // Query identity: a think row shares the id of the direct row just before it (same LLM): templates may
    // put the step-by-step line inside the prompt, so text alone need not match.
    let queryId: string | undefined;
    if (typeof query === 'string') {
      const prev = this.previousDirect;
      queryId =
        promptMode === 'think' && prev && prev.llm === llm && prev.taskName === taskName
          ? prev.queryId
          : deriveQueryId({ taskName: taskName || 'unknown', text: query });
      if (promptMode === 'direct' && typeof llm === 'string')
        this.previousDirect = { llm, taskName, queryId };
      else this.previousDirect = null;
    }

    const notices: ImportItem[] = [];
    if (queryId !== undefined) {
      if (!this.block || this.block.queryId !== queryId) {
        const closed = this.closeBlock();
        if (closed) notices.push(closed);
        this.block = { queryId, rows: 0, origin, embedding: null };
      }
      this.block.rows++;
      if (this.ctx.parseEmbeddings && !isMissing(row['query_embedding']) && this.block.embedding === null) {
        const parsed = parseTensor(String(row['query_embedding']));
        if ('values' in parsed) this.block.embedding = parsed.values;
        else
          notices.push({ kind: 'notice', origin, message: `query_embedding not parsed (${parsed.failure})` });
      }
    }

    const metadata: Record<string, unknown> = { source: 'fusionbench' };
    const taskId = row['task_id'];
    if (!isMissing(taskId)) {
      // MBPP ids are ints; CSV and pandas float columns turn them into "11" or 11.0.
      metadata['taskId'] =
        typeof taskId === 'string' && /^\d+(?:\.0)?$/.test(taskId.trim()) ? Number(taskId) : taskId;
    }
    if (this.block?.embedding) metadata['queryEmbedding'] = this.block.embedding;

    const performance = num('performance');
    const judgeScore = num('llm_judge');
    const costUsd = num('cost', MICRO_DOLLARS_PER_USD);
    const inputTokens = num('input_tokens_num');
    const outputTokens = num('output_tokens_num');
    const inputPrice = num('input_price');
    const outputPrice = num('output_price');

    const rowSplit = typeof row['split'] === 'string' && row['split'].trim() !== '' ? row['split'] : null;
    const response = row['response'];
    const groundTruth = row['ground_truth'];
    const metric = row['metric'];
    const input: Record<string, unknown> = {
      task_name: taskName || undefined,
      query_id: queryId,
      query,
      prompt_mode: promptMode,
      llm,
      response: isMissing(response) ? '' : typeof response === 'string' ? response : String(response),
      ground_truth: isMissing(groundTruth)
        ? null
        : typeof groundTruth === 'number'
          ? String(groundTruth)
          : groundTruth,
      metric: isMissing(metric) ? undefined : metric,
      performance,
      judge_score: judgeScore,
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      input_price: inputPrice,
      output_price: outputPrice,
      cost_usd: costUsd,
      split: rowSplit ?? this.fileSplit,
      metadata,
    };
    const item = validatedItem(this.ctx, input, origin, SOURCE_FIELDS);
    if (cellViolations.length === 0) yield item;
    else {
      // Cell parse errors come first: they are why the validator saw a hole.
      const rest =
        item.kind === 'rejected'
          ? item.violations.filter((v) => !cellViolations.some((c) => c.field === v.field))
          : [];
      const violations = [...cellViolations, ...rest];
      yield {
        kind: 'rejected',
        origin,
        reason: violations[0]?.code ?? RejectionReason.InvalidType,
        violations,
        ...(typeof llm === 'string' && llm ? { llm } : {}),
      };
    }
    yield* notices;
  }

  *finish(): Generator<ImportItem> {
    const closed = this.closeBlock();
    if (closed) yield closed;
    this.block = null;
  }

  private closeBlock(): ImportItem | null {
    const b = this.block;
    if (!b || this.blockSize === null || b.rows === this.blockSize) return null;
    return {
      kind: 'notice',
      origin: b.origin,
      message: `query block starting here has ${b.rows} rows, expected ${this.blockSize} (20 LLMs x 2 prompt modes)`,
    };
  }
}
