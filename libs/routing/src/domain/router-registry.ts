import { DomainError } from '@fusion/shared/kernel';
import { GRAPH_DEFAULTS, GraphRouter } from './graph.router';
import { KNN_DEFAULTS, KnnRouter } from './knn.router';
import { LINEAR_DEFAULTS, LinearRouter } from './linear.router';
import { MATRIX_FACTORISATION_DEFAULTS, MatrixFactorisationRouter } from './matrix-factorisation.router';
import { MLP_DEFAULTS, MlpRouter } from './mlp.router';
import {
  ROUTER_ARTIFACT_FORMAT,
  ROUTER_ARTIFACT_VERSION,
  ROUTER_KINDS,
  type RouterArtifact,
  type RouterKind,
  type RouterModel,
} from './router';
import type { TrainingSet } from './training-set';

/** One trainable router kind: its defaults, how to train it and how to restore it from an artifact. */
export interface RouterKindSpec {
  kind: RouterKind;
  description: string;
  defaults: Readonly<Record<string, number>>;
  train(set: TrainingSet, hyperparams?: Record<string, number>, seed?: number): RouterModel;
  load(artifact: RouterArtifact): RouterModel;
}

export const ROUTER_REGISTRY: Readonly<Record<RouterKind, RouterKindSpec>> = {
  knn: {
    kind: 'knn',
    description: 'cosine kNN over query embeddings, shrunk toward per-task means (IVF index on large sets)',
    defaults: { ...KNN_DEFAULTS },
    train: (set, hp, seed) => KnnRouter.train(set, hp, seed),
    load: (a) => KnnRouter.fromArtifact(a),
  },
  mlp: {
    kind: 'mlp',
    description:
      'one-hidden-layer MLP, multi-output regression of every candidate (masked MSE, Adam, early stopping)',
    defaults: { ...MLP_DEFAULTS },
    train: (set, hp, seed) => MlpRouter.train(set, hp, seed),
    load: (a) => MlpRouter.fromArtifact(a),
  },
  linear: {
    kind: 'linear',
    description: 'per-candidate ridge regression, closed form, penalty picked on validation',
    defaults: { ...LINEAR_DEFAULTS },
    train: (set, hp, seed) => LinearRouter.train(set, hp, seed),
    load: (a) => LinearRouter.fromArtifact(a),
  },
  matrix_factorisation: {
    kind: 'matrix_factorisation',
    description: 'RouteLLM-style matrix factorisation generalised to N candidates',
    defaults: { ...MATRIX_FACTORISATION_DEFAULTS },
    train: (set, hp, seed) => MatrixFactorisationRouter.train(set, hp, seed),
    load: (a) => MatrixFactorisationRouter.fromArtifact(a),
  },
  graph: {
    kind: 'graph',
    description:
      'GraphRouter-style query/task/candidate graph with edge scoring, inductive over candidate descriptors',
    defaults: { ...GRAPH_DEFAULTS },
    train: (set, hp, seed) => GraphRouter.train(set, hp, seed),
    load: (a) => GraphRouter.fromArtifact(a),
  },
};

export function isRouterKind(kind: unknown): kind is RouterKind {
  return typeof kind === 'string' && (ROUTER_KINDS as readonly string[]).includes(kind);
}

/** Trains a router of `kind` (unknown kinds and hyper-parameters are INVALID_ARGUMENT). Deterministic given the seed. */
export function trainRouter(
  kind: string,
  set: TrainingSet,
  hyperparams?: Record<string, number>,
  seed = 0,
): RouterModel {
  if (!isRouterKind(kind)) {
    throw DomainError.invalidArgument(
      'kind',
      `unknown router kind '${kind}' (known: ${ROUTER_KINDS.join(', ')})`,
    );
  }
  return ROUTER_REGISTRY[kind].train(set, hyperparams, seed);
}

/** Restores a router from its artifact (parsed JSON); a wrong format, version or shape is INVALID_ARGUMENT. */
export function loadRouter(json: unknown): RouterModel {
  if (typeof json !== 'object' || json === null)
    throw DomainError.invalidArgument('artifact', 'must be an object');
  const a = json as Partial<RouterArtifact>;
  if (a.format !== ROUTER_ARTIFACT_FORMAT) {
    throw DomainError.invalidArgument(
      'artifact.format',
      `expected '${ROUTER_ARTIFACT_FORMAT}', got '${String(a.format)}'`,
    );
  }
  if (a.version !== ROUTER_ARTIFACT_VERSION) {
    throw DomainError.invalidArgument(
      'artifact.version',
      `unsupported version ${String(a.version)} (supported: ${ROUTER_ARTIFACT_VERSION})`,
    );
  }
  if (!isRouterKind(a.kind))
    throw DomainError.invalidArgument('artifact.kind', `unknown router kind '${String(a.kind)}'`);
  if (typeof a.seed !== 'number') throw DomainError.invalidArgument('artifact.seed', 'must be a number');
  if (typeof a.model !== 'object' || a.model === null)
    throw DomainError.invalidArgument('artifact.model', 'must be an object');
  if (typeof a.hyperparams !== 'object' || a.hyperparams === null) {
    throw DomainError.invalidArgument('artifact.hyperparams', 'must be an object');
  }
  return ROUTER_REGISTRY[a.kind].load(a as RouterArtifact);
}
