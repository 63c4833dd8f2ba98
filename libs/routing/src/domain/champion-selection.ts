import type { PolicyWeights } from './baselines/baseline';
import { BestSingleBaseline } from './baselines/best-single.baseline';
import { POLICY_SCENARIOS } from './policy';
import { ROUTER_KINDS, type RouterKind } from './router';
import { trainRouter } from './router-registry';
import { evaluateChoices, routerChoices } from './router-evaluation';
import { splitQueryIndices, subsetTrainingSet, type TrainingSet } from './training-set';

export interface NamedWeights extends PolicyWeights {
  name: string;
}

export interface ChampionReport {
  champion: RouterKind;
  scenarios: NamedWeights[];
  /** Validation mean reward per kind, one value per scenario, and their mean. */
  routers: { kind: RouterKind; rewards: number[]; meanReward: number }[];
  /** The best single candidate chosen on the fitting part, scored on validation, per scenario. */
  bestSingle: { candidate: string; reward: number }[];
}

export interface ChampionOptions {
  kinds?: readonly RouterKind[];
  hyperparams?: Partial<Record<RouterKind, Record<string, number>>>;
  scenarios?: readonly NamedWeights[];
  validationFraction?: number;
  seed?: number;
}

/**
 * Picks the champion router kind on a seeded, per-task stratified validation slice of the training set (never
 * on test): each kind is trained on the rest and scored by mean reward over the scenarios, normalised with the
 * validation slice's own per-task stats. The caller retrains the champion on the whole set.
 */
export function selectChampion(set: TrainingSet, options: ChampionOptions = {}): ChampionReport {
  const kinds = options.kinds ?? ROUTER_KINDS;
  const seed = options.seed ?? 0;
  const scenarios =
    options.scenarios ??
    (['performance_first', 'balance'] as const).map((name) => ({ name, ...POLICY_SCENARIOS[name] }));
  const split = splitQueryIndices(set, options.validationFraction ?? 0.2, seed);
  const fitting = subsetTrainingSet(set, split.train);
  const validation = subsetTrainingSet(set, split.validation);
  const single = BestSingleBaseline.fit(fitting);
  const bestSingle = scenarios.map((w) => {
    const candidate = single.choose(w);
    const reward = evaluateChoices(
      validation,
      validation.queryIds.map(() => candidate),
      w,
    ).meanReward;
    return { candidate, reward };
  });
  const routers = kinds.map((kind) => {
    const model = trainRouter(kind, fitting, options.hyperparams?.[kind], seed);
    const rewards = scenarios.map(
      (w) => evaluateChoices(validation, routerChoices(model, validation, w), w).meanReward,
    );
    return { kind, rewards, meanReward: rewards.reduce((a, b) => a + b, 0) / rewards.length };
  });
  const champion = routers.reduce((best, r) => (r.meanReward > best.meanReward ? r : best), routers[0]!).kind;
  return { champion, scenarios: [...scenarios], routers, bestSingle };
}
