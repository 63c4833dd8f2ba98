import {
  RouterChallengerAssigned,
  RouterChallengerCleared,
  RouterPromoted,
  RouterPromotionRejected,
  RouterVersionRegistered,
  type PromotionGate,
  type RouterChallengerAssignedV1,
  type RouterChallengerClearedV1,
  type RouterPromotedV1,
  type RouterPromotionRejectedV1,
  type RouterScenarioMetrics,
  type RouterVersionRegisteredV1,
} from '@fusion/contracts';
import { DomainError } from '@fusion/shared/kernel';

/** The events of the router registry aggregate (stream `router-<tenant>-registry`). */
export type RegistryEvent =
  | { type: typeof RouterVersionRegistered.type; data: RouterVersionRegisteredV1 }
  | { type: typeof RouterPromoted.type; data: RouterPromotedV1 }
  | { type: typeof RouterPromotionRejected.type; data: RouterPromotionRejectedV1 }
  | { type: typeof RouterChallengerAssigned.type; data: RouterChallengerAssignedV1 }
  | { type: typeof RouterChallengerCleared.type; data: RouterChallengerClearedV1 };

export const REGISTRY_EVENT_TYPES: readonly string[] = [
  RouterVersionRegistered.type,
  RouterPromoted.type,
  RouterPromotionRejected.type,
  RouterChallengerAssigned.type,
  RouterChallengerCleared.type,
];

export type RouterVersionStatus = 'registered' | 'champion' | 'challenger' | 'retired' | 'rejected';

/** One registered router version as the registry knows it. */
export interface RouterVersionInfo {
  routerId: string;
  version: number;
  kind: string;
  artifactKey: string;
  artifactSha256: string;
  trainedOnRecords: number;
  trainedOnQueries: number;
  trainedAtPosition: string;
  candidates: string[];
  metrics: RouterScenarioMetrics[];
  trigger: RouterVersionRegisteredV1['trigger'];
  registeredAt: string | null;
  status: RouterVersionStatus;
  /** The last gate recorded for the version (promotion, rejection or shadow assignment). */
  lastGate: PromotionGate | null;
}

/** The registry aggregate's state. `version` is the stream version (the expected version of the next append). */
export interface RouterRegistryState {
  tenant: string;
  version: number;
  versions: readonly RouterVersionInfo[];
  champion: number | null;
  challenger: number | null;
}

export type RegistryCommand =
  | {
      type: 'RegisterVersion';
      routerId: string;
      kind: string;
      artifactKey: string;
      artifactSha256: string;
      trainedOnRecords: number;
      trainedOnQueries: number;
      trainedAtPosition: string;
      candidates: readonly string[];
      metrics: readonly RouterScenarioMetrics[];
      trigger: RouterVersionRegisteredV1['trigger'];
      /** The version number the artifact was stored under; must be the next one. */
      version: number;
    }
  /** Promotes when the gate passed (or `forced`); otherwise records the rejection with the gate. */
  | { type: 'Promote'; version: number; gate: PromotionGate; forced: boolean }
  | { type: 'Reject'; version: number; gate: PromotionGate }
  | { type: 'AssignChallenger'; version: number; gate: PromotionGate | null }
  | { type: 'ClearChallenger' };

export function initialRegistryState(tenant: string): RouterRegistryState {
  return { tenant, version: 0, versions: [], champion: null, challenger: null };
}

/** The number the next registered version gets. */
export function nextRouterVersion(state: RouterRegistryState): number {
  return state.versions.reduce((max, v) => Math.max(max, v.version), 0) + 1;
}

export function versionOf(state: RouterRegistryState, version: number | null): RouterVersionInfo | undefined {
  return version === null ? undefined : state.versions.find((v) => v.version === version);
}

function known(state: RouterRegistryState, version: number): RouterVersionInfo {
  const v = versionOf(state, version);
  if (!v) throw DomainError.notFound(`router version ${version} of tenant ${state.tenant}`);
  return v;
}

/** Decides a command against the state: the events to append, or a DomainError saying why not. Pure. */
export function decideRegistry(command: RegistryCommand, state: RouterRegistryState): RegistryEvent[] {
  switch (command.type) {
    case 'RegisterVersion': {
      const expected = nextRouterVersion(state);
      if (command.version !== expected) {
        throw DomainError.failedPrecondition(
          `router version ${command.version} cannot be registered: the next version of tenant ${state.tenant} is ${expected}`,
        );
      }
      if (command.candidates.length === 0)
        throw DomainError.invalidArgument('candidates', 'a router needs candidates');
      return [
        {
          type: RouterVersionRegistered.type,
          data: {
            routerId: command.routerId,
            version: command.version,
            kind: command.kind,
            artifactKey: command.artifactKey,
            artifactSha256: command.artifactSha256,
            trainedOnRecords: command.trainedOnRecords,
            trainedOnQueries: command.trainedOnQueries,
            trainedAtPosition: command.trainedAtPosition,
            candidates: [...command.candidates],
            metrics: command.metrics.map((m) => ({ ...m })),
            trigger: command.trigger,
          },
        },
      ];
    }
    case 'Promote': {
      const v = known(state, command.version);
      if (state.champion === v.version) {
        throw DomainError.failedPrecondition(
          `router version ${v.version} is already the champion of tenant ${state.tenant}`,
        );
      }
      if (!command.gate.passed && !command.forced) {
        return [
          {
            type: RouterPromotionRejected.type,
            data: { routerId: v.routerId, version: v.version, gate: { ...command.gate } },
          },
        ];
      }
      const events: RegistryEvent[] = [
        {
          type: RouterPromoted.type,
          data: {
            routerId: v.routerId,
            version: v.version,
            kind: v.kind,
            artifactKey: v.artifactKey,
            gate: { ...command.gate },
            forced: command.forced,
          },
        },
      ];
      if (state.challenger === v.version) {
        events.push({
          type: RouterChallengerCleared.type,
          data: { routerId: v.routerId, version: v.version, reason: 'promoted' },
        });
      }
      return events;
    }
    case 'Reject': {
      const v = known(state, command.version);
      return [
        {
          type: RouterPromotionRejected.type,
          data: { routerId: v.routerId, version: v.version, gate: { ...command.gate } },
        },
      ];
    }
    case 'AssignChallenger': {
      const v = known(state, command.version);
      if (state.champion === v.version) {
        throw DomainError.failedPrecondition(
          `router version ${v.version} is the champion of tenant ${state.tenant}; it cannot also run in shadow`,
        );
      }
      if (state.challenger === v.version) return [];
      const events: RegistryEvent[] = [];
      const current = versionOf(state, state.challenger);
      if (current) {
        events.push({
          type: RouterChallengerCleared.type,
          data: { routerId: current.routerId, version: current.version, reason: 'replaced' },
        });
      }
      events.push({
        type: RouterChallengerAssigned.type,
        data: {
          routerId: v.routerId,
          version: v.version,
          kind: v.kind,
          artifactKey: v.artifactKey,
          gate: command.gate ? { ...command.gate } : null,
        },
      });
      return events;
    }
    case 'ClearChallenger': {
      const current = versionOf(state, state.challenger);
      if (!current) return [];
      return [
        {
          type: RouterChallengerCleared.type,
          data: { routerId: current.routerId, version: current.version, reason: 'cleared' },
        },
      ];
    }
  }
}

function withStatus(
  state: RouterRegistryState,
  version: number,
  change: (v: RouterVersionInfo) => Partial<RouterVersionInfo>,
): RouterVersionInfo[] {
  return state.versions.map((v) => (v.version === version ? { ...v, ...change(v) } : v));
}

/** Applies one event (the next in the stream) to the state. Pure; unknown event types only advance the version. */
export function evolveRegistry(
  state: RouterRegistryState,
  event: RegistryEvent | { type: string; data: unknown },
  meta: { occurredAt?: string } = {},
): RouterRegistryState {
  const next = { ...state, version: state.version + 1 };
  const e = event as RegistryEvent;
  switch (e.type) {
    case RouterVersionRegistered.type: {
      const d = e.data;
      const info: RouterVersionInfo = {
        routerId: d.routerId,
        version: d.version,
        kind: d.kind,
        artifactKey: d.artifactKey,
        artifactSha256: d.artifactSha256,
        trainedOnRecords: d.trainedOnRecords,
        trainedOnQueries: d.trainedOnQueries,
        trainedAtPosition: d.trainedAtPosition,
        candidates: [...d.candidates],
        metrics: d.metrics.map((m) => ({ ...m })),
        trigger: d.trigger,
        registeredAt: meta.occurredAt ?? null,
        status: 'registered',
        lastGate: null,
      };
      return { ...next, versions: [...state.versions, info] };
    }
    case RouterPromoted.type: {
      const previous = state.champion;
      let versions = withStatus(state, e.data.version, () => ({ status: 'champion', lastGate: e.data.gate }));
      if (previous !== null && previous !== e.data.version) {
        versions = versions.map((v) => (v.version === previous ? { ...v, status: 'retired' } : v));
      }
      return { ...next, versions, champion: e.data.version };
    }
    case RouterPromotionRejected.type: {
      const versions = withStatus(state, e.data.version, (v) => ({
        status: v.status === 'champion' || v.status === 'challenger' ? v.status : 'rejected',
        lastGate: e.data.gate,
      }));
      return { ...next, versions };
    }
    case RouterChallengerAssigned.type: {
      const versions = withStatus(state, e.data.version, (v) => ({
        status: 'challenger',
        lastGate: e.data.gate ?? v.lastGate,
      }));
      return { ...next, versions, challenger: e.data.version };
    }
    case RouterChallengerCleared.type: {
      const versions = withStatus(state, e.data.version, (v) => ({
        status: v.status === 'challenger' ? 'registered' : v.status,
      }));
      return { ...next, versions, challenger: state.challenger === e.data.version ? null : state.challenger };
    }
    default:
      return next;
  }
}

/** Decides several commands in order, each against the state the previous one's events lead to. */
export function decideRegistryAll(
  commands: readonly RegistryCommand[],
  state: RouterRegistryState,
): { events: RegistryEvent[]; state: RouterRegistryState } {
  let current = state;
  const events: RegistryEvent[] = [];
  for (const command of commands) {
    for (const event of decideRegistry(command, current)) {
      events.push(event);
      current = evolveRegistry(current, event);
    }
  }
  return { events, state: current };
}

/** Folds a stream into the state. */
export function foldRegistry(
  tenant: string,
  events: readonly { type: string; data: unknown; occurredAt?: string }[],
): RouterRegistryState {
  return events.reduce(
    (s, e) => evolveRegistry(s, e, e.occurredAt === undefined ? {} : { occurredAt: e.occurredAt }),
    initialRegistryState(tenant),
  );
}
