import type { PromotionGate } from '@fusion/contracts';

/** Rewards closer than this are a tie: a tie never promotes. */
const TIE = 1e-9;

export interface GateChampion {
  routerId: string;
  version: number;
  /** Held-out reward of the champion on the same split; null with `error` when it could not be evaluated. */
  reward: number | null;
  error?: string | null;
}

/**
 * The promotion gate: the challenger must beat the current champion's held-out reward (same split, same scenario)
 * by more than `minImprovement`. Without a champion, or with one that cannot be evaluated any more (its embedding
 * space or artifact is gone, so it cannot serve either), the challenger passes; the reason says which.
 */
export function promotionGate(
  scenario: string,
  challengerReward: number,
  champion: GateChampion | null,
  heldOutQueries: number,
  minImprovement = 0,
): PromotionGate {
  const r = (x: number): string => x.toFixed(4);
  if (champion === null) {
    return {
      scenario,
      challengerReward,
      championReward: null,
      championRouterId: null,
      championVersion: null,
      passed: true,
      reason: `no champion yet; challenger held-out ${scenario} reward ${r(challengerReward)} over ${heldOutQueries} queries`,
    };
  }
  const base = {
    scenario,
    challengerReward,
    championReward: champion.reward,
    championRouterId: champion.routerId,
    championVersion: champion.version,
  };
  if (champion.reward === null) {
    return {
      ...base,
      passed: true,
      reason: `champion ${champion.routerId} v${champion.version} could not be evaluated (${champion.error ?? 'unknown error'}); challenger ${r(challengerReward)} passes`,
    };
  }
  const passed = challengerReward > champion.reward + minImprovement + TIE;
  const margin = minImprovement > 0 ? ` + ${minImprovement}` : '';
  return {
    ...base,
    passed,
    reason:
      `challenger ${passed ? 'beats' : 'does not beat'} champion ${champion.routerId} v${champion.version}${margin}: ` +
      `held-out ${scenario} reward ${r(challengerReward)} vs ${r(champion.reward)} over ${heldOutQueries} queries`,
  };
}
