import { describe, expect, it } from 'vitest';
import { dominates, paretoFrontier } from './pareto-frontier';

describe('paretoFrontier', () => {
  const A = { name: 'A', cost: 1, quality: 0.9 };
  const B = { name: 'B', cost: 0.5, quality: 0.8 };
  const C = { name: 'C', cost: 0.6, quality: 0.7 }; // dominated by B
  const D = { name: 'D', cost: 0.2, quality: 0.5 };
  const E = { name: 'E', cost: 0.5, quality: 0.8 }; // same point as B
  const F = { name: 'F', cost: 2, quality: 0.9 }; // dominated by A (same quality, dearer)
  const G = { name: 'G', cost: 0.2, quality: 0.4 }; // dominated by D (same cost, worse)

  it('keeps exactly the non-dominated points, cheapest first', () => {
    expect(paretoFrontier([A, B, C, D, E, F, G]).map((p) => p.name)).toEqual(['D', 'B', 'E', 'A']);
  });

  it('a single point is its own frontier; no points, no frontier', () => {
    expect(paretoFrontier([C])).toEqual([C]);
    expect(paretoFrontier([])).toEqual([]);
  });

  it('dominance needs one strict improvement', () => {
    expect(dominates(B, C)).toBe(true);
    expect(dominates(B, E)).toBe(false);
    expect(dominates(A, F)).toBe(true);
    expect(dominates(D, G)).toBe(true);
    expect(dominates(D, B)).toBe(false);
  });
});
