import type { DataSource } from 'typeorm';
import type { PromptMode, Split } from '@fusion/contracts';
import type {
  CandidateSummary,
  ReplayableRecord,
  RoutingSampleStore,
  ScoredSamples,
} from '../../application/ports/routing-sample.store.port';
import { returnedRows } from './training-samples.projection';

/** The samples a router trains on: scored, with a query and a candidate. */
const SCORED = `tenant = $1 AND performance IS NOT NULL AND query IS NOT NULL AND candidate IS NOT NULL`;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Reads of the `routing_samples` projection (writes happen in `applySampleEvents`, inside the consumer's transaction). */
export class TypeOrmRoutingSampleStore implements RoutingSampleStore {
  constructor(private readonly ds: DataSource) {}

  async loadScored(tenant: string): Promise<ScoredSamples> {
    const rows = (await this.ds.query(
      `SELECT record_id, query_id, task_name, task_domain, query, candidate, performance, cost_usd, judge_score,
              latency_ms, split
         FROM routing_samples
        WHERE ${SCORED}
        ORDER BY record_id`,
      [tenant],
    )) as Record<string, unknown>[];
    const position = (await this.ds.query(
      `SELECT COALESCE(max(source_position), 0)::text AS p FROM routing_samples WHERE tenant = $1`,
      [tenant],
    )) as { p: string }[];
    return {
      samples: rows.map((r) => ({
        recordId: String(r['record_id']),
        queryId: String(r['query_id']),
        taskName: String(r['task_name'] ?? 'unknown'),
        taskDomain: String(r['task_domain'] ?? 'general'),
        query: String(r['query']),
        candidate: String(r['candidate']),
        performance: num(r['performance']),
        costUsd: num(r['cost_usd']),
        judgeScore: num(r['judge_score']),
        latencyMs: num(r['latency_ms']),
        split: (r['split'] as Split | null) ?? null,
      })),
      lastPosition: position[0]?.p ?? '0',
    };
  }

  async candidateSummary(tenant: string): Promise<CandidateSummary> {
    const cells = (await this.ds.query(
      `SELECT task_name, candidate,
              COALESCE(sum(performance), 0) AS ps, count(performance)::int AS pn,
              COALESCE(sum(cost_usd), 0) AS cs, count(cost_usd)::int AS cn,
              COALESCE(sum(latency_ms), 0) AS ls, count(latency_ms)::int AS ln
         FROM routing_samples WHERE ${SCORED} GROUP BY task_name, candidate`,
      [tenant],
    )) as Record<string, unknown>[];
    const ranges = (await this.ds.query(
      `SELECT task_name, min(performance) AS pmin, max(performance) AS pmax, min(cost_usd) AS cmin, max(cost_usd) AS cmax
         FROM routing_samples WHERE ${SCORED} GROUP BY task_name`,
      [tenant],
    )) as Record<string, unknown>[];
    return {
      cells: cells.map((c) => ({
        taskName: String(c['task_name'] ?? 'unknown'),
        candidate: String(c['candidate']),
        perfSum: Number(c['ps']),
        perfCount: Number(c['pn']),
        costSum: Number(c['cs']),
        costCount: Number(c['cn']),
        latencySum: Number(c['ls']),
        latencyCount: Number(c['ln']),
      })),
      ranges: ranges.map((r) => ({
        taskName: String(r['task_name'] ?? 'unknown'),
        perfMin: num(r['pmin']) ?? 0,
        perfMax: num(r['pmax']) ?? 0,
        costMin: num(r['cmin']) ?? 0,
        costMax: num(r['cmax']) ?? 0,
      })),
    };
  }

  async replayable(tenant: string): Promise<ReplayableRecord[]> {
    const rows = (await this.ds.query(
      `SELECT query_id, query, llm, prompt_mode, response, input_tokens, output_tokens, input_price, output_price,
              cost_usd, latency_ms
         FROM routing_samples
        WHERE tenant = $1 AND response IS NOT NULL AND response <> '' AND query IS NOT NULL AND llm IS NOT NULL
        ORDER BY record_id`,
      [tenant],
    )) as Record<string, unknown>[];
    return rows.map((r) => ({
      tenant,
      queryId: String(r['query_id']),
      query: String(r['query']),
      llm: String(r['llm']),
      promptMode: (r['prompt_mode'] as PromptMode | null) ?? 'direct',
      response: String(r['response']),
      inputTokens: num(r['input_tokens']),
      outputTokens: num(r['output_tokens']),
      inputPrice: num(r['input_price']),
      outputPrice: num(r['output_price']),
      costUsd: num(r['cost_usd']),
      latencyMs: num(r['latency_ms']),
    }));
  }

  async countScored(tenant: string): Promise<number> {
    const rows = (await this.ds.query(
      `SELECT count(*)::int AS n FROM routing_samples
        WHERE tenant = $1 AND performance IS NOT NULL AND query IS NOT NULL AND candidate IS NOT NULL`,
      [tenant],
    )) as { n: number }[];
    return Number(rows[0]?.n ?? 0);
  }

  async claimNewScored(tenant: string, threshold: number): Promise<number> {
    // FOR UPDATE + the re-checked predicate make concurrent claims from several replicas take the count once.
    const rows = returnedRows<{ n: number }>(
      await this.ds.query(
        `WITH old AS (
         SELECT tenant, new_scored FROM routing_training_counters WHERE tenant = $1 AND new_scored >= $2 FOR UPDATE
       )
       UPDATE routing_training_counters c SET new_scored = 0, updated_at = now() FROM old
        WHERE c.tenant = old.tenant
       RETURNING old.new_scored::int AS n`,
        [tenant, threshold],
      ),
    );
    return Number(rows[0]?.n ?? 0);
  }

  async newScored(tenant: string): Promise<number> {
    const rows = (await this.ds.query(
      `SELECT new_scored::int AS n FROM routing_training_counters WHERE tenant = $1`,
      [tenant],
    )) as { n: number }[];
    return Number(rows[0]?.n ?? 0);
  }
}
