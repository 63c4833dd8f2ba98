import { describe, expect, it } from 'vitest';
import type { PromotionGate } from '@fusion/contracts';
import { promotionGate } from './promotion-gate';
import {
  decideRegistry,
  decideRegistryAll,
  foldRegistry,
  initialRegistryState,
  type RegistryCommand,
  type RegistryEvent,
  type RouterRegistryState,
} from './router-registry.decider';

const register = (version: number, kind = 'knn'): RegistryCommand => ({
  type: 'RegisterVersion',
  routerId: kind,
  kind,
  version,
  artifactKey: `t/${version}-${kind}`,
  artifactSha256: 'abc',
  trainedOnRecords: 100,
  trainedOnQueries: 20,
  trainedAtPosition: '42',
  candidates: ['a', 'b'],
  metrics: [{ scenario: 'balance', performance: 0.8, cost: 0.2, reward: 0.3, costUsd: 0.001 }],
  trigger: 'manual',
});

const gate = (passed: boolean): PromotionGate => ({
  scenario: 'balance',
  challengerReward: passed ? 0.4 : 0.2,
  championReward: 0.3,
  championRouterId: 'knn',
  championVersion: 1,
  passed,
  reason: passed ? 'beats' : 'does not beat',
});

/** given events, when command, then events (or an error). */
function given(...history: RegistryEvent[]): {
  when: (c: RegistryCommand) => RegistryEvent[];
  state: RouterRegistryState;
} {
  const state = foldRegistry('t', history);
  return { state, when: (c) => decideRegistry(c, state) };
}

const eventsOf = (...commands: RegistryCommand[]): RegistryEvent[] =>
  decideRegistryAll(commands, initialRegistryState('t')).events;

describe('router registry decider', () => {
  it('given an empty registry, when a version is registered, then RouterVersionRegistered v1 with its metrics', () => {
    const events = given().when(register(1));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'RouterVersionRegistered',
      data: {
        routerId: 'knn',
        version: 1,
        artifactKey: 't/1-knn',
        metrics: [{ scenario: 'balance', reward: 0.3 }],
      },
    });
    const state = foldRegistry('t', events);
    expect(state).toMatchObject({ version: 1, champion: null, challenger: null });
    expect(state.versions[0]!.status).toBe('registered');
  });

  it('given version 1, when version 3 is registered, then FAILED_PRECONDITION (versions are consecutive)', () => {
    expect(() => given(...eventsOf(register(1))).when(register(3))).toThrow(/next version of tenant t is 2/);
  });

  it('given a registered version, when promoted with a passing gate, then RouterPromoted carries the gate', () => {
    const events = given(...eventsOf(register(1))).when({
      type: 'Promote',
      version: 1,
      gate: gate(true),
      forced: false,
    });
    expect(events).toEqual([
      {
        type: 'RouterPromoted',
        data: {
          routerId: 'knn',
          version: 1,
          kind: 'knn',
          artifactKey: 't/1-knn',
          gate: gate(true),
          forced: false,
        },
      },
    ]);
  });

  it('given a champion, when another version is promoted, then the old one retires and the new one is champion', () => {
    const history = eventsOf(
      register(1),
      { type: 'Promote', version: 1, gate: gate(true), forced: false },
      register(2, 'mlp'),
    );
    const events = given(...history).when({ type: 'Promote', version: 2, gate: gate(true), forced: false });
    const state = foldRegistry('t', [...history, ...events]);
    expect(state.champion).toBe(2);
    expect(state.versions.map((v) => v.status)).toEqual(['retired', 'champion']);
  });

  it('given a failing gate, when promoted, then RouterPromotionRejected with the gate and the champion stays', () => {
    const history = eventsOf(
      register(1),
      { type: 'Promote', version: 1, gate: gate(true), forced: false },
      register(2),
    );
    const events = given(...history).when({ type: 'Promote', version: 2, gate: gate(false), forced: false });
    expect(events).toEqual([
      { type: 'RouterPromotionRejected', data: { routerId: 'knn', version: 2, gate: gate(false) } },
    ]);
    const state = foldRegistry('t', [...history, ...events]);
    expect(state.champion).toBe(1);
    expect(state.versions[1]).toMatchObject({ status: 'rejected', lastGate: gate(false) });
  });

  it('given a failing gate, when promotion is forced, then RouterPromoted with forced=true and the gate recorded', () => {
    const events = given(...eventsOf(register(1))).when({
      type: 'Promote',
      version: 1,
      gate: gate(false),
      forced: true,
    });
    expect(events[0]).toMatchObject({
      type: 'RouterPromoted',
      data: { forced: true, gate: { passed: false } },
    });
  });

  it('given an unknown version, when promoted, rejected or shadowed, then NOT_FOUND', () => {
    const g = given(...eventsOf(register(1)));
    expect(() => g.when({ type: 'Promote', version: 7, gate: gate(true), forced: false })).toThrow(
      /router version 7 of tenant t not found/,
    );
    expect(() => g.when({ type: 'Reject', version: 7, gate: gate(false) })).toThrow(/not found/);
    expect(() => g.when({ type: 'AssignChallenger', version: 7, gate: null })).toThrow(/not found/);
  });

  it('given the champion, when promoted again or shadowed, then FAILED_PRECONDITION', () => {
    const g = given(
      ...eventsOf(register(1), { type: 'Promote', version: 1, gate: gate(true), forced: false }),
    );
    expect(() => g.when({ type: 'Promote', version: 1, gate: gate(true), forced: false })).toThrow(
      /already the champion/,
    );
    expect(() => g.when({ type: 'AssignChallenger', version: 1, gate: null })).toThrow(
      /cannot also run in shadow/,
    );
  });

  it('given a challenger, when another is assigned, then the first is cleared (replaced) before the new one', () => {
    const history = eventsOf(register(1), register(2), { type: 'AssignChallenger', version: 1, gate: null });
    const events = given(...history).when({ type: 'AssignChallenger', version: 2, gate: gate(false) });
    expect(events.map((e) => e.type)).toEqual(['RouterChallengerCleared', 'RouterChallengerAssigned']);
    expect(events[0]!.data).toMatchObject({ version: 1, reason: 'replaced' });
    expect(foldRegistry('t', [...history, ...events])).toMatchObject({ challenger: 2 });
    expect(given(...history, ...events).when({ type: 'AssignChallenger', version: 2, gate: null })).toEqual(
      [],
    );
  });

  it('given a challenger, when it is promoted, then it becomes champion and is cleared as challenger', () => {
    const history = eventsOf(register(1), { type: 'AssignChallenger', version: 1, gate: null });
    const events = given(...history).when({ type: 'Promote', version: 1, gate: gate(true), forced: false });
    expect(events.map((e) => e.type)).toEqual(['RouterPromoted', 'RouterChallengerCleared']);
    expect(foldRegistry('t', [...history, ...events])).toMatchObject({ champion: 1, challenger: null });
  });

  it('given no challenger, when cleared, then nothing happens; given one, then RouterChallengerCleared', () => {
    expect(given(...eventsOf(register(1))).when({ type: 'ClearChallenger' })).toEqual([]);
    const events = given(...eventsOf(register(1), { type: 'AssignChallenger', version: 1, gate: null })).when(
      { type: 'ClearChallenger' },
    );
    expect(events).toEqual([
      { type: 'RouterChallengerCleared', data: { routerId: 'knn', version: 1, reason: 'cleared' } },
    ]);
  });

  it('folds the stream version, so the next append expects it', () => {
    const events = eventsOf(
      register(1),
      { type: 'Promote', version: 1, gate: gate(true), forced: false },
      register(2),
    );
    expect(foldRegistry('t', events).version).toBe(3);
  });
});

describe('promotion gate', () => {
  it('passes without a champion, and says so', () => {
    expect(promotionGate('balance', 0.2, null, 10)).toMatchObject({
      passed: true,
      championReward: null,
      reason: expect.stringMatching(/no champion yet/),
    });
  });

  it('passes only when the challenger beats the champion (a tie does not)', () => {
    const champion = { routerId: 'knn', version: 1, reward: 0.3 };
    expect(promotionGate('balance', 0.31, champion, 10).passed).toBe(true);
    expect(promotionGate('balance', 0.3, champion, 10)).toMatchObject({
      passed: false,
      reason: expect.stringMatching(/does not beat champion knn v1/),
    });
    expect(promotionGate('balance', 0.31, champion, 10, 0.05).passed).toBe(false);
  });

  it('passes when the champion cannot be evaluated, naming why', () => {
    expect(
      promotionGate(
        'balance',
        0.1,
        { routerId: 'knn', version: 1, reward: null, error: 'other embedding space' },
        10,
      ),
    ).toMatchObject({
      passed: true,
      reason: expect.stringMatching(/could not be evaluated \(other embedding space\)/),
    });
  });
});
