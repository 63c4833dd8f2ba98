import type { PromotionGate } from '@fusion/contracts';
import { DomainError } from '@fusion/shared/kernel';
import type { Embedder } from '@fusion/shared/llm';
import type { RoutingSampleStore } from '../ports/routing-sample.store.port';
import type { RegistryAppendContext, RouterRegistryStore } from '../ports/router-registry.store.port';
import type { RouterTrainingRunner } from '../ports/training-runner.port';
import type { ChampionCache } from '../serving/champion-cache';
import { championEntries, championForGate, loadPreparedData } from '../training/train-router.handler';
import {
  EVALUATED_SCENARIOS,
  parseScenarioName,
  rewardOf,
  type TrainingSettings,
} from '../training/training-settings';
import { promotionGate } from './promotion-gate';
import { decideRegistryAll, versionOf, type RouterVersionInfo } from './router-registry.decider';

export interface PromoteRouterCommand {
  tenant: string;
  version: number;
  /** When given, must name the version's router. */
  routerId?: string;
  /** Promote without the gate (the gate is still computed from the registered metrics and recorded). */
  force: boolean;
  gateScenario?: string;
  context?: RegistryAppendContext;
}

export interface PromoteRouterResult {
  promoted: boolean;
  gate: PromotionGate;
  champion: RouterVersionInfo | null;
}

export interface PromoteRouterDeps {
  samples: RoutingSampleStore;
  registry: RouterRegistryStore;
  cache: ChampionCache;
  embedder: Embedder;
  runner: RouterTrainingRunner;
  settings: TrainingSettings;
  describe?: (candidate: string) => string;
}

/**
 * PromoteRouter: gated unless forced. The gate re-scores the version and the current champion on today's held-out
 * split (the same split for both), so a promotion is never decided on stale or differently split numbers.
 */
export class PromoteRouterHandler {
  constructor(private readonly deps: PromoteRouterDeps) {}

  async execute(command: PromoteRouterCommand): Promise<PromoteRouterResult> {
    if (!Number.isInteger(command.version) || command.version < 1) {
      throw DomainError.invalidArgument(
        'version',
        `must be a registered version number (>= 1), got ${command.version}`,
      );
    }
    const scenario = command.gateScenario
      ? parseScenarioName(command.gateScenario)
      : this.deps.settings.gateScenario;
    const state = await this.deps.registry.load(command.tenant);
    const target = versionOf(state, command.version);
    if (!target) throw DomainError.notFound(`router version ${command.version} of tenant ${command.tenant}`);
    if (command.routerId && command.routerId !== target.routerId) {
      throw DomainError.invalidArgument(
        'router_id',
        `version ${command.version} belongs to router '${target.routerId}', not '${command.routerId}'`,
      );
    }
    if (state.champion === target.version) {
      throw DomainError.failedPrecondition(
        `router ${target.routerId} v${target.version} is already the champion`,
      );
    }
    const champion = versionOf(state, state.champion);
    let gate: PromotionGate;
    if (command.force) {
      const registered = promotionGate(
        scenario,
        rewardOf(target.metrics, scenario) ?? 0,
        champion
          ? {
              routerId: champion.routerId,
              version: champion.version,
              reward: rewardOf(champion.metrics, scenario),
            }
          : null,
        0,
        this.deps.settings.minImprovement,
      );
      gate = { ...registered, reason: `forced by an operator; registered metrics: ${registered.reason}` };
    } else {
      const data = await loadPreparedData(this.deps, command.tenant);
      const championArtifacts = await championEntries(this.deps.registry, state);
      const outcome = await this.deps.runner.run({
        train: null,
        heldOut: data.heldOut,
        kinds: [],
        seed: this.deps.settings.seed,
        scenarios: [...EVALUATED_SCENARIOS],
        evaluate: [
          { label: 'challenger', artifact: await this.deps.registry.loadArtifact(target.artifactKey) },
          ...championArtifacts.entries,
        ],
        embeddingSpace: this.deps.embedder.id,
      });
      const challenger = outcome.evaluated.find((e) => e.label === 'challenger')!;
      if (challenger.metrics === null) {
        throw DomainError.failedPrecondition(
          `router ${target.routerId} v${target.version} cannot be evaluated on the held-out split: ${challenger.error ?? 'unknown error'}`,
        );
      }
      gate = promotionGate(
        scenario,
        rewardOf(challenger.metrics, scenario) ?? 0,
        championForGate(state, outcome, scenario, championArtifacts.loadError),
        data.heldOut.queries.length,
        this.deps.settings.minImprovement,
      );
    }
    const decided = decideRegistryAll(
      [{ type: 'Promote', version: target.version, gate, forced: command.force }],
      state,
    );
    await this.deps.registry.commit(command.tenant, state.version, decided.events, command.context);
    // Committed: a failed reload must not fail the request (the poll and the promotion event reload it).
    await this.deps.cache.refresh(command.tenant).catch(() => undefined);
    return {
      promoted: decided.state.champion === target.version,
      gate,
      champion: versionOf(decided.state, decided.state.champion) ?? null,
    };
  }
}
