import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@fusion/shared/testing';
import { DomainError, type Clock } from '@fusion/shared/kernel';
import type { CodeSandbox } from '../scoring/code-sandbox.port';
import { scoreGiveUp, scoreJobPerformer } from './scoring-jobs';
import type {
  NewScoringJob,
  ScoringJob,
  ScoringJobKind,
  ScoringRepository,
  ScoringResult,
} from './scoring-pipeline.port';
import { ScoringWorker, type ScoringWorkerSettings } from './scoring-worker';

const clock: Clock = { now: () => new Date('2026-01-01T00:00:00Z') };

/** An in-memory queue with the repository's lease semantics. */
class MemoryQueue implements Pick<ScoringRepository, 'claim' | 'complete' | 'reschedule' | 'release'> {
  jobs: (ScoringJob & { dueAt: number; leasedUntil: number })[] = [];
  completed: ScoringResult[] = [];
  rescheduled: { recordId: string; error: string; delayMs: number }[] = [];
  released: string[] = [];
  private n = 0;

  add(recordId: string): void {
    const job: NewScoringJob = {
      kind: 'score',
      subject: {
        tenant: 't',
        recordId,
        queryId: `q-${recordId}`,
        taskName: 'mbpp',
        llm: 'm',
        promptMode: 'direct',
        query: 'write it',
        response: '[BEGIN]\ndef f():\n    return 1\n[DONE]',
        groundTruth: "['assert f() == 1']",
        metric: 'code_eval',
        taskId: 1,
      },
      origin: { eventId: `e-${recordId}`, correlationId: 'c', traceparent: null, tracestate: null },
    };
    this.jobs.push({ ...job, attempts: 0, claimToken: '', dueAt: 0, leasedUntil: 0 });
  }

  async claim(kind: ScoringJobKind, limit: number, leaseMs: number): Promise<ScoringJob[]> {
    const now = Date.now();
    const due = this.jobs
      .filter((j) => j.kind === kind && j.dueAt <= now && j.leasedUntil < now)
      .slice(0, limit);
    for (const j of due) {
      j.claimToken = `token-${++this.n}`;
      j.leasedUntil = now + leaseMs;
      j.attempts += 1;
    }
    return due.map((j) => ({
      kind: j.kind,
      subject: j.subject,
      origin: j.origin,
      attempts: j.attempts,
      claimToken: j.claimToken,
    }));
  }

  async complete(job: ScoringJob, result: ScoringResult): Promise<boolean> {
    const i = this.jobs.findIndex(
      (j) => j.subject.recordId === job.subject.recordId && j.claimToken === job.claimToken,
    );
    if (i < 0) return false;
    this.jobs.splice(i, 1);
    this.completed.push(result);
    return true;
  }

  async reschedule(job: ScoringJob, error: string, delayMs: number): Promise<void> {
    const j = this.jobs.find((x) => x.claimToken === job.claimToken);
    if (!j) return;
    j.leasedUntil = 0;
    j.dueAt = Date.now() + delayMs;
    this.rescheduled.push({ recordId: job.subject.recordId, error, delayMs });
  }

  async release(jobs: readonly ScoringJob[]): Promise<void> {
    for (const job of jobs) {
      const j = this.jobs.find((x) => x.claimToken === job.claimToken);
      if (j) {
        j.leasedUntil = 0;
        j.attempts -= 1;
        this.released.push(j.subject.recordId);
      }
    }
  }
}

const settings: ScoringWorkerSettings = {
  batchSize: 4,
  leaseMs: 60_000,
  pollMs: 60_000,
  maxAttempts: 3,
  retryBaseMs: 0,
  retryMaxMs: 0,
};

const passing: CodeSandbox = {
  run: async () => ({
    passed: true,
    reason: 'passed',
    exitCode: 0,
    signal: null,
    timedOut: false,
    stdoutTail: '',
    stderrTail: '',
    durationMs: 1,
  }),
};

function worker(queue: MemoryQueue, sandbox: CodeSandbox, over: Partial<ScoringWorkerSettings> = {}) {
  const results: string[] = [];
  const w = new ScoringWorker({
    kind: 'score',
    repository: queue as unknown as ScoringRepository,
    perform: scoreJobPerformer({ sandbox, variant: 'fixed', clock }),
    giveUp: scoreGiveUp(clock),
    settings: { ...settings, ...over },
    onResult: (r) => results.push(r.subject.recordId),
  });
  return { w, results };
}

describe('ScoringWorker', () => {
  const started: ScoringWorker[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((w) => w.stop()));
  });

  it('stores one result per job, with its ResponseScored event', async () => {
    const q = new MemoryQueue();
    q.add('a');
    q.add('b');
    const { w, results } = worker(q, passing);
    expect(await w.drainOnce()).toBe(2);
    expect(results.sort()).toEqual(['a', 'b']);
    expect(q.jobs).toHaveLength(0);
    const first = q.completed[0];
    expect(first?.kind === 'score' && first.outcome).toEqual({
      metric: 'code_eval',
      variant: 'fixed',
      performance: 1,
      reason: null,
    });
    expect(first?.event.event).toMatchObject({
      type: 'ResponseScored',
      causationId: `e-${first?.subject.recordId}`,
    });
  });

  it('retries an infrastructure failure, then records "not scored" with the reason (never 0)', async () => {
    const q = new MemoryQueue();
    q.add('a');
    let calls = 0;
    const down: CodeSandbox = {
      run: async () => {
        calls++;
        throw DomainError.unavailable('code sandbox did not start: bwrap exited with status 1');
      },
    };
    const { w } = worker(q, down, { retryBaseMs: 1, retryMaxMs: 2 });
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 5));
      await w.drainOnce();
    }
    expect(calls).toBe(3);
    expect(q.rescheduled.map((r) => r.delayMs)).toEqual([1, 2]);
    expect(q.completed).toHaveLength(1);
    const r = q.completed[0];
    expect(r?.kind === 'score' && r.outcome.performance).toBeNull();
    expect(r?.kind === 'score' && r.outcome.reason).toBe(
      'not scored: code sandbox did not start: bwrap exited with status 1 (gave up after 3 attempts)',
    );
  });

  it('does not report a result whose lease was lost meanwhile', async () => {
    const q = new MemoryQueue();
    q.add('a');
    const slow: CodeSandbox = {
      run: async (p) => {
        // Another worker's lease replaces ours while we compute.
        const j = q.jobs[0];
        if (j) j.claimToken = 'someone-else';
        return passing.run(p);
      },
    };
    const { w, results } = worker(q, slow);
    await w.drainOnce();
    expect(results).toEqual([]);
    expect(q.completed).toEqual([]);
    expect(q.jobs).toHaveLength(1);
  });

  it('wakes on a kick instead of waiting for the next poll', async () => {
    const q = new MemoryQueue();
    const { w, results } = worker(q, passing);
    started.push(w);
    w.start();
    await new Promise((r) => setTimeout(r, 30));
    q.add('late');
    w.kick();
    await waitFor(() => results.length === 1, 2000, 'the kicked worker');
    expect(results).toEqual(['late']);
  });

  it('gives a job in hand back when stopped mid-way', async () => {
    const q = new MemoryQueue();
    q.add('a');
    let entered = false;
    const hanging = new ScoringWorker({
      kind: 'score',
      repository: q as unknown as ScoringRepository,
      perform: (_job, signal) =>
        new Promise((_resolve, reject) => {
          entered = true;
          signal.addEventListener('abort', () => reject(new Error('cancelled')));
        }),
      giveUp: scoreGiveUp(clock),
      settings,
    });
    hanging.start();
    await waitFor(() => entered, 2000, 'the job to start');
    await hanging.stop();
    expect(q.released).toEqual(['a']);
    expect(q.jobs[0]).toMatchObject({ attempts: 0, leasedUntil: 0 });
    expect(q.completed).toEqual([]);
  });
});
