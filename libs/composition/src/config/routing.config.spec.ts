import { describe, expect, it } from 'vitest';
import { loadConfig, z } from '@fusion/shared/config';
import { routingConfigShape, routingOptionsFrom } from './routing.config';

const load = (env: Record<string, string>) =>
  routingOptionsFrom(loadConfig(z.object(routingConfigShape), env));

describe('routing config', () => {
  it('needs no variable at all, and documents its defaults', () => {
    expect(load({})).toMatchObject({
      autoTrainEvery: 1000,
      gateScenario: 'balance',
      maxQueryBytes: 32768,
      trainingThread: 'worker',
      seed: 42,
    });
    expect(load({}).backendsFile).toBeUndefined();
  });

  it('parses kinds (with the mf alias), the gate scenario and a remote embedder', () => {
    const o = load({
      ROUTER_KINDS: 'knn, mf',
      ROUTER_GATE_SCENARIO: 'cost_first',
      ROUTER_AUTO_TRAIN_EVERY: '0',
      EMBEDDINGS_BASE_URL: 'http://tei:8080',
      EMBEDDINGS_MODEL: 'bge-small',
      EMBEDDINGS_DIMENSION: '384',
      FUSION_BACKENDS_FILE: '/etc/fusion/backends/backends.json',
    });
    expect(o).toMatchObject({
      kinds: ['knn', 'matrix_factorisation'],
      gateScenario: 'cost_first',
      autoTrainEvery: 0,
      embeddings: { baseUrl: 'http://tei:8080', model: 'bge-small', dimension: 384 },
      backendsFile: '/etc/fusion/backends/backends.json',
    });
  });

  it('names every bad variable', () => {
    expect(() => load({ ROUTER_KINDS: 'knn,forest' })).toThrow(/ROUTER_KINDS: unknown router kind 'forest'/);
    expect(() => load({ EMBEDDINGS_BASE_URL: 'http://tei:8080' })).toThrow(
      /EMBEDDINGS_MODEL: required when EMBEDDINGS_BASE_URL is set; EMBEDDINGS_DIMENSION/,
    );
    expect(() => load({ ROUTER_GATE_SCENARIO: 'fastest' })).toThrow(/ROUTER_GATE_SCENARIO/);
    expect(() => load({ ROUTING_MAX_QUERY_BYTES: '-1' })).toThrow(/ROUTING_MAX_QUERY_BYTES/);
    expect(() => load({ ROUTER_AUTO_TRAIN_EVERY: 'often' })).toThrow(
      /ROUTER_AUTO_TRAIN_EVERY: expected a number/,
    );
  });
});
