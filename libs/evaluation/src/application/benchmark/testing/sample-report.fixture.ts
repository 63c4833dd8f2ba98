// Test-only: a small, fully deterministic benchmark report (2 tasks, 4 candidates, 2 tiny trainers).
import type { BenchmarkReport } from '../../../domain/benchmark/benchmark-report';
import type { BenchmarkQuery } from '../../../domain/benchmark/strategy';
import { runBenchmark } from '../run-benchmark.handler';
import { alwaysCheapestTrainer, perTaskBestTrainer, query } from './tiny-trainers.fixture';

export const SAMPLE_CANDIDATES = ['big', 'mid', 'small', 'small:think'];

export function sampleQueries(): BenchmarkQuery[] {
  const out: BenchmarkQuery[] = [];
  for (const task of ['math', 'qa']) {
    for (let i = 0; i < 12; i++) {
      const hard = i % 3 === 0;
      const mathy = task === 'math';
      out.push(
        query(`${task}-${i}`, task, i < 8 ? 'train' : 'test', {
          big: [1, 0.01 + i * 1e-4, 0.9],
          mid: [hard ? 0 : 1, 0.002, 0.7],
          small: [hard || mathy ? 0 : 1, 0.0002, 0.4],
          'small:think': [hard ? 0 : mathy ? 1 : 0.5, 0.0006, i === 5 ? null : 0.5],
        }),
      );
    }
  }
  return out;
}

export function sampleReport(): Promise<BenchmarkReport> {
  return runBenchmark({
    queries: sampleQueries(),
    trainers: [perTaskBestTrainer(), alwaysCheapestTrainer()],
    scenarios: ['performance_first', 'balance', 'cost_first', 'judge', 'custom:0.7,0.3'],
    seed: 42,
    validationFraction: 0.25,
    dataset: {
      name: 'sample',
      split: { source: 'records', seed: null, testFraction: null },
      issues: { duplicate_record: 2 },
    },
  });
}
