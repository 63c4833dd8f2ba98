import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DomainError } from '@fusion/shared/kernel';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../../application/benchmark/testing/sample-report.fixture';
import type { BenchmarkReport } from '../../domain/benchmark/benchmark-report';
import { serializeBenchmarkReport } from './json-report.serializer';

// Objects whose keys are names (candidates, tasks, ...) rather than schema fields.
const NAME_MAPS = new Set(['tasks', 'scenarios', 'strategies', 'singles', 'choices', 'issues']);

function schemaKeys(value: unknown, parentKey = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => schemaKeys(v, parentKey, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!NAME_MAPS.has(parentKey)) out.add(k);
      schemaKeys(v, NAME_MAPS.has(parentKey) ? `${parentKey}[]` : k, out);
    }
  }
  return out;
}

describe('report.json', () => {
  let report: BenchmarkReport;
  let json: BenchmarkReport;

  beforeAll(async () => {
    report = await sampleReport();
    json = JSON.parse(serializeBenchmarkReport(report));
  });

  it('has the keys the CLI issue asks for, per scenario, overall and per task', () => {
    expect(json.schema_version).toBe(1);
    for (const s of ['performance_first', 'balance', 'cost_first']) {
      const scenario = json.scenarios[s];
      expect(scenario, s).toBeDefined();
      const scopes = [scenario?.overall, scenario?.tasks.math, scenario?.tasks.qa];
      for (const scope of scopes) {
        if (!scope) throw new Error(`missing scope in ${s}`);
        expect(scope).toHaveProperty('champion');
        expect(typeof scope.champion).toBe('string');
        for (const entry of [scope.best_single, scope.oracle, ...Object.values(scope.strategies)]) {
          for (const key of ['candidate', 'performance', 'cost_usd', 'reward'])
            expect(entry).toHaveProperty(key);
        }
        expect(Object.keys(scope.strategies)).toEqual(['per_task_best', 'always_cheapest']);
        expect(scope.best_single.candidate).toMatch(/^(big|mid|small|small:think)$/);
        expect(scope).toHaveProperty('cost_saved.saved_pct');
      }
    }
    expect(Object.keys(json.scenarios)).toEqual([
      'performance_first',
      'balance',
      'cost_first',
      'judge',
      'custom_a0p7_b0p3',
    ]);
  });

  it('uses snake_case schema keys in a fixed order', () => {
    for (const k of schemaKeys(json)) expect(k).toMatch(/^[a-z0-9_]+$/);
    expect(Object.keys(json)).toEqual(['schema_version', 'report', 'dataset', 'settings', 'scenarios']);
    expect(Object.keys(json.scenarios.balance?.overall ?? {})).toEqual([
      'test_queries',
      'champion',
      'best_single',
      'oracle',
      'random',
      'strategies',
      'singles',
      'pareto_frontier',
      'cost_saved',
    ]);
  });

  it('documents every schema key in docs/benchmark-report.md', () => {
    const doc = readFileSync(resolve(process.cwd(), 'docs/benchmark-report.md'), 'utf8');
    const missing = [...schemaKeys(json)].filter((k) => !doc.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });

  it('is byte-stable: same report, same bytes; re-serialising the parsed file changes nothing', async () => {
    const text = serializeBenchmarkReport(report);
    expect(serializeBenchmarkReport(await sampleReport())).toBe(text);
    expect(serializeBenchmarkReport(JSON.parse(text))).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('hides floating noise and refuses non-finite numbers', () => {
    const r = structuredClone(report);
    r.settings.validation_fraction = 0.1 + 0.2;
    expect(JSON.parse(serializeBenchmarkReport(r)).settings.validation_fraction).toBe(0.3);
    const balance = r.scenarios.balance;
    if (balance) balance.overall.oracle.reward = Number.NaN;
    expect(() => serializeBenchmarkReport(r)).toThrow(DomainError);
    expect(() => serializeBenchmarkReport(r)).toThrow(/\$\.scenarios\.balance\.overall\.oracle\.reward/);
  });
});
