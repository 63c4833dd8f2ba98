import type { PromotionGate, RouterScenarioMetrics } from '@fusion/contracts';
import { DomainError } from '@fusion/shared/kernel';
import type { Embedder } from '@fusion/shared/llm';
import type { RouterKind } from '../../domain/router';
import type { RoutingLogger, RoutingMetrics } from '../ports/routing-metrics.port';
import type { RoutingSampleStore } from '../ports/routing-sample.store.port';
import type { RegistryAppendContext, RouterRegistryStore } from '../ports/router-registry.store.port';
import type { RouterTrainingRunner } from '../ports/training-runner.port';
import { promotionGate } from '../registry/promotion-gate';
import {
  decideRegistryAll,
  nextRouterVersion,
  versionOf,
  type RegistryCommand,
  type RouterRegistryState,
  type RouterVersionInfo,
} from '../registry/router-registry.decider';
import type { ChampionCache } from '../serving/champion-cache';
import { KeyedLocks } from '../shared/tenant-locks';
import { prepareTrainingData, type PreparedData } from './training-data';
import type { RouterTrainingOutcome } from './router-training.job';
import {
  EVALUATED_SCENARIOS,
  parseRouterKinds,
  parseScenarioName,
  rewardOf,
  type TrainingSettings,
} from './training-settings';

export interface TrainRouterCommand {
  tenant: string;
  /** Kind names (`mf` accepted); empty = the configured kinds. */
  kinds?: readonly string[];
  trigger: 'manual' | 'auto' | 'startup';
  /** Run the gate and promote (RouterPromoted) or reject (RouterPromotionRejected). */
  promote: boolean;
  /** Assign the new version as challenger in shadow mode (the gate is evaluated and reported, not applied). */
  shadow: boolean;
  gateScenario?: string;
  context?: RegistryAppendContext;
}

export interface KindEvaluation {
  kind: RouterKind;
  metrics: RouterScenarioMetrics[] | null;
  error: string | null;
  trainMs: number;
}

export interface TrainRouterResult {
  version: RouterVersionInfo;
  promoted: boolean;
  rejected: boolean;
  challenger: boolean;
  gate: PromotionGate;
  evaluated: KindEvaluation[];
  splitMethod: string;
  heldOutQueries: number;
}

export interface TrainRouterDeps {
  samples: RoutingSampleStore;
  registry: RouterRegistryStore;
  cache: ChampionCache;
  embedder: Embedder;
  runner: RouterTrainingRunner;
  settings: TrainingSettings;
  /** Descriptor text of a candidate for inductive routers (backend descriptors when configured). */
  describe?: (candidate: string) => string;
  metrics: RoutingMetrics;
  logger: RoutingLogger;
  now?: () => number;
}

/** Loads a tenant's scored samples and embeds them into train and held-out sets. */
export async function loadPreparedData(
  deps: Pick<TrainRouterDeps, 'samples' | 'embedder' | 'settings' | 'describe'>,
  tenant: string,
): Promise<PreparedData & { lastPosition: string; records: number }> {
  const scored = await deps.samples.loadScored(tenant);
  if (scored.samples.length === 0) {
    throw DomainError.failedPrecondition(
      `tenant ${tenant} has no scored log records to train on: ingest records with a performance (or let evaluation score them) first`,
    );
  }
  const prepared = await prepareTrainingData(scored.samples, deps.embedder, {
    seed: deps.settings.seed,
    heldOutFraction: deps.settings.heldOutFraction,
    ...(deps.describe ? { describe: deps.describe } : {}),
  });
  return { ...prepared, lastPosition: scored.lastPosition, records: scored.samples.length };
}

/** Champion artifacts to evaluate on the held-out split (an unreadable one is reported as its error). */
export async function championEntries(
  registry: RouterRegistryStore,
  state: RouterRegistryState,
): Promise<{ entries: { label: string; artifact: string }[]; loadError: string | null }> {
  const champion = versionOf(state, state.champion);
  if (!champion) return { entries: [], loadError: null };
  try {
    return {
      entries: [{ label: 'champion', artifact: await registry.loadArtifact(champion.artifactKey) }],
      loadError: null,
    };
  } catch (err) {
    return { entries: [], loadError: (err as Error).message };
  }
}

export function championForGate(
  state: RouterRegistryState,
  outcome: RouterTrainingOutcome,
  scenario: string,
  loadError: string | null,
): { routerId: string; version: number; reward: number | null; error: string | null } | null {
  const champion = versionOf(state, state.champion);
  if (!champion) return null;
  const evaluated = outcome.evaluated.find((e) => e.label === 'champion');
  return {
    routerId: champion.routerId,
    version: champion.version,
    reward: rewardOf(evaluated?.metrics, scenario),
    error: loadError ?? evaluated?.error ?? null,
  };
}

/**
 * TrainRouter: load the tenant's scored samples, split by query, embed, train the requested kinds, score each on
 * the held-out split with the harness reward, register the best (by the gate scenario) with its metrics per
 * scenario, then gate it against the current champion evaluated on the same split: promote, reject, or assign it
 * as challenger in shadow mode. One training at a time per tenant.
 */
export class TrainRouterHandler {
  private readonly locks = new KeyedLocks();

  constructor(private readonly deps: TrainRouterDeps) {}

  isTraining(tenant: string): boolean {
    return this.locks.isBusy(tenant);
  }

  async execute(command: TrainRouterCommand): Promise<TrainRouterResult> {
    const kinds = parseRouterKinds(command.kinds ?? []);
    const gateScenario = command.gateScenario
      ? parseScenarioName(command.gateScenario)
      : this.deps.settings.gateScenario;
    if (command.promote && command.shadow) {
      throw DomainError.invalidArgument(
        'shadow',
        'a version is either promoted through the gate or run in shadow, not both',
      );
    }
    return this.locks.run(command.tenant, () =>
      this.train(command, kinds.length > 0 ? kinds : this.deps.settings.kinds, gateScenario),
    );
  }

  private async train(
    command: TrainRouterCommand,
    kinds: RouterKind[],
    gateScenario: string,
  ): Promise<TrainRouterResult> {
    const now = this.deps.now ?? (() => Date.now());
    const started = now();
    const { tenant } = command;
    try {
      const data = await loadPreparedData(this.deps, tenant);
      const state = await this.deps.registry.load(tenant);
      const champion = await championEntries(this.deps.registry, state);
      const outcome = await this.deps.runner.run({
        train: data.train,
        heldOut: data.heldOut,
        kinds,
        seed: this.deps.settings.seed,
        scenarios: [...EVALUATED_SCENARIOS],
        evaluate: champion.entries,
        embeddingSpace: this.deps.embedder.id,
      });
      const evaluated: KindEvaluation[] = kinds.map((kind) => {
        const t = outcome.trained.find((x) => x.kind === kind);
        const f = outcome.failed.find((x) => x.kind === kind);
        return { kind, metrics: t?.metrics ?? null, error: f?.error ?? null, trainMs: t?.trainMs ?? 0 };
      });
      if (outcome.trained.length === 0) {
        throw DomainError.failedPrecondition(
          `no router kind could be trained for tenant ${tenant}: ${outcome.failed.map((f) => `${f.kind}: ${f.error}`).join('; ')}`,
        );
      }
      // Best by the gate scenario's held-out reward; ties keep the earlier kind.
      const best = outcome.trained.reduce((a, b) =>
        (rewardOf(b.metrics, gateScenario) ?? -Infinity) > (rewardOf(a.metrics, gateScenario) ?? -Infinity)
          ? b
          : a,
      );
      const gate = promotionGate(
        gateScenario,
        rewardOf(best.metrics, gateScenario) ?? 0,
        championForGate(state, outcome, gateScenario, champion.loadError),
        data.heldOut.queries.length,
        this.deps.settings.minImprovement,
      );
      const version = nextRouterVersion(state);
      const artifactKey = `${tenant}/${String(version).padStart(6, '0')}-${best.kind}`;
      const commands: RegistryCommand[] = [
        {
          type: 'RegisterVersion',
          routerId: best.kind,
          kind: best.kind,
          version,
          artifactKey,
          artifactSha256: best.sha256,
          // The log the version was built from: its train split fitted, its held-out split scored.
          trainedOnRecords: data.records,
          trainedOnQueries: data.trainQueries + data.heldOut.queries.length,
          trainedAtPosition: data.lastPosition,
          candidates: data.train.candidates,
          metrics: best.metrics,
          trigger: command.trigger,
        },
      ];
      if (command.shadow) commands.push({ type: 'AssignChallenger', version, gate });
      else if (command.promote) commands.push({ type: 'Promote', version, gate, forced: false });
      const decided = decideRegistryAll(commands, state);
      await this.deps.registry.commit(tenant, state.version, decided.events, command.context, {
        key: artifactKey,
        tenant,
        routerId: best.kind,
        version,
        kind: best.kind,
        sha256: best.sha256,
        body: best.artifact,
      });
      // Committed: a failed reload must not fail the request (the poll and the promotion event reload it).
      await this.deps.cache
        .refresh(tenant)
        .catch((err: unknown) =>
          this.deps.logger.warn(
            { tenant, err: (err as Error).message },
            'champion reload after training failed',
          ),
        );
      const info = versionOf(decided.state, version)!;
      const promoted = decided.state.champion === version;
      const rejected = command.promote && !promoted;
      const result: TrainRouterResult = {
        version: info,
        promoted,
        rejected,
        challenger: decided.state.challenger === version,
        gate,
        evaluated,
        splitMethod: data.splitMethod,
        heldOutQueries: data.heldOut.queries.length,
      };
      const outcomeName = promoted
        ? 'promoted'
        : rejected
          ? 'rejected'
          : result.challenger
            ? 'challenger'
            : 'registered';
      this.deps.metrics.trained({
        trigger: command.trigger,
        outcome: outcomeName,
        seconds: (now() - started) / 1000,
      });
      this.deps.logger.info(
        {
          tenant,
          routerId: best.kind,
          version,
          outcome: outcomeName,
          gate: gate.reason,
          trigger: command.trigger,
          runner: this.deps.runner.name,
        },
        `router ${best.kind} v${version} trained: ${outcomeName}`,
      );
      return result;
    } catch (err) {
      this.deps.metrics.trained({
        trigger: command.trigger,
        outcome: 'failed',
        seconds: (now() - started) / 1000,
      });
      throw err;
    }
  }
}
