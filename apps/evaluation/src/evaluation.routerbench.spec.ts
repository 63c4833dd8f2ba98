import 'reflect-metadata';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Client } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluationContext } from '@fusion/evaluation';
import type { RunningService } from '@fusion/shared/runtime';
import { startTestService } from '@fusion/shared/testing';
import { createGrpcClient, serverStream } from '@fusion/shared/transport';
import { ingestionBenchmarkFileLoader, routingStrategyTrainers } from '@fusion/composition';

const ROUTERBENCH = resolve(process.cwd(), '../shared/data/routerbench-routerdc');

interface BenchFrame {
  phase: string;
  done: boolean;
  reportJson: string;
  table: string;
  jsonPath: string;
  htmlPath: string;
}

// Real logs: RouterBench ARC-Challenge, MBPP and Winogrande with RouterDC's split, 11 LLMs; every router kind.
describe('RunBenchmark on ../shared/data/routerbench-routerdc', () => {
  let svc: RunningService;
  let client: Client;
  let reportDir: string;

  beforeAll(async () => {
    expect(existsSync(ROUTERBENCH), `${ROUTERBENCH} must exist`).toBe(true);
    reportDir = mkdtempSync(join(tmpdir(), 'fusion-routerbench-'));
    svc = await startTestService(
      [
        evaluationContext({
          consumeLogs: false,
          reportDir,
          loadBenchmarkFile: ingestionBenchmarkFileLoader,
          strategyTrainers: routingStrategyTrainers,
        }),
      ],
      { serviceName: 'fusion-evaluation' },
    );
    client = createGrpcClient(
      svc.grpcAddress,
      'fusion/evaluation/v1/evaluation.proto',
      'fusion.evaluation.v1.EvaluationService',
    );
  });

  afterAll(async () => {
    client?.close();
    await svc?.close();
    if (reportDir) rmSync(reportDir, { recursive: true, force: true });
  });

  it('prints the per-task table and writes the JSON and HTML reports (all router kinds)', async () => {
    const frames = await serverStream<object, BenchFrame>(client, 'RunBenchmark', {
      dataPath: ROUTERBENCH,
      outDir: 'routerbench',
    });
    const last = frames[frames.length - 1] as BenchFrame;
    expect(last.done).toBe(true);
    for (const heading of ['--- task arc-challenge', '--- task mbpp', '--- task winogrande']) {
      expect(last.table).toContain(heading);
    }
    for (const kind of ['knn', 'mlp', 'linear', 'matrix_factorisation', 'graph', 'cheapest']) {
      expect(last.table).toMatch(new RegExp(`^${kind} `, 'm'));
    }
    expect(last.table).toMatch(/best single: gpt-4-1106-preview +0\.874/);
    expect(existsSync(join(reportDir, 'routerbench', 'report.json'))).toBe(true);
    expect(existsSync(join(reportDir, 'routerbench', 'report.html'))).toBe(true);
    const report = JSON.parse(last.reportJson) as {
      dataset: {
        name: string;
        queries: number;
        test_queries: number;
        candidates: string[];
        issues: Record<string, number>;
      };
    };
    expect(report.dataset).toMatchObject({ name: 'routerbench-routerdc', queries: 3178, test_queries: 953 });
    expect(report.dataset.candidates).toHaveLength(11);
    // The importer's 154 empty ARC score cells are reported with the dataset, not lost.
    expect(report.dataset.issues['import_empty_score']).toBe(154);
  }, 240_000);
});
