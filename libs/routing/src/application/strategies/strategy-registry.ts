import type { BenchmarkQuery, StrategyTrainer } from '@fusion/evaluation';
import { DomainError } from '@fusion/shared/kernel';
import type { Embedder } from '@fusion/shared/llm';
import { ROUTER_KINDS, type RouterKind } from '../../domain/router';
import { isRouterKind, ROUTER_REGISTRY } from '../../domain/router-registry';
import {
  BestSingleStrategyTrainer,
  CheapestStrategyTrainer,
  OracleStrategyTrainer,
  RandomStrategyTrainer,
} from './baseline.strategies';
import { RouterStrategyTrainer } from './router-strategy.trainer';

export type BaselineKind = 'best_single' | 'cheapest' | 'random' | 'oracle';
export const BASELINE_KINDS: readonly BaselineKind[] = ['best_single', 'cheapest', 'random', 'oracle'];
export type StrategyKind = RouterKind | BaselineKind;

/** Every strategy kind the benchmark can run, with a description and (for routers) default hyper-parameters. */
export const STRATEGY_CATALOGUE: readonly {
  kind: StrategyKind;
  description: string;
  defaults: Readonly<Record<string, number>>;
}[] = [
  ...ROUTER_KINDS.map((k) => ({
    kind: k,
    description: ROUTER_REGISTRY[k].description,
    defaults: ROUTER_REGISTRY[k].defaults,
  })),
  {
    kind: 'best_single',
    description: 'the single LLM with the best mean train score under the scenario',
    defaults: {},
  },
  { kind: 'cheapest', description: 'the LLM with the lowest mean train cost', defaults: {} },
  { kind: 'random', description: 'a seeded random LLM per query', defaults: {} },
  {
    kind: 'oracle',
    description: 'the best LLM per query from its logged outcome (evaluation only)',
    defaults: {},
  },
];

export interface StrategyOptions {
  embedder?: Embedder;
  hyperparams?: Record<string, number>;
  seed?: number;
  /** Required by `oracle`: the evaluated queries with their outcomes. */
  evaluated?: readonly BenchmarkQuery[];
}

/** A trainer for any strategy kind; unknown kinds (and an oracle without evaluated queries) are INVALID_ARGUMENT. */
export function createStrategyTrainer(kind: string, options: StrategyOptions = {}): StrategyTrainer {
  if (isRouterKind(kind)) {
    return new RouterStrategyTrainer({
      kind,
      ...(options.embedder ? { embedder: options.embedder } : {}),
      ...(options.hyperparams ? { hyperparams: options.hyperparams } : {}),
      seed: options.seed ?? 0,
    });
  }
  switch (kind) {
    case 'best_single':
      return new BestSingleStrategyTrainer();
    case 'cheapest':
      return new CheapestStrategyTrainer();
    case 'random':
      return new RandomStrategyTrainer(options.seed ?? 0);
    case 'oracle':
      if (!options.evaluated)
        throw DomainError.invalidArgument(
          'evaluated',
          'the oracle needs the evaluated queries with outcomes',
        );
      return new OracleStrategyTrainer(options.evaluated);
    default:
      throw DomainError.invalidArgument(
        'kind',
        `unknown strategy '${kind}' (known: ${STRATEGY_CATALOGUE.map((s) => s.kind).join(', ')})`,
      );
  }
}
