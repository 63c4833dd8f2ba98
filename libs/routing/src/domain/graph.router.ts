import { parseCandidate } from '@fusion/contracts';
import { DomainError, SeededRandom } from '@fusion/shared/kernel';
import { decodeFloat32, encodeFloat32 } from './float-codec';
import { gaussian, runTrainingLoop } from './gradient-training';
import {
  ContextRouter,
  isNumber,
  isString,
  modelField,
  resolveHyperparams,
  type PredictBuffers,
  type RouterArtifact,
} from './router';
import { RoutingContext } from './routing-context';
import { splitQueryIndices, type TrainingSet } from './training-set';
import { dot, logit, sigmoid } from './vector-math';

export interface GraphHyperparams {
  hidden: number;
  learningRate: number;
  epochs: number;
  batchSize: number;
  weightDecay: number;
  patience: number;
  validationFraction: number;
  /** Share of training edges scored as if their candidate were new (no edges, descriptor only). */
  coldStart: number;
}

export const GRAPH_DEFAULTS: GraphHyperparams = {
  hidden: 16,
  learningRate: 0.003,
  epochs: 40,
  batchSize: 32,
  weightDecay: 0.001,
  patience: 4,
  validationFraction: 0.1,
  coldStart: 0.1,
};

/** Extra descriptor features the router adds to the caller's: think mode, standardised log mean cost, a bias. */
const BUILT_IN_FEATURES = 3;
/** Folds for the out-of-fold messages used in training. */
const FOLDS = 5;

/**
 * Graph router in the spirit of GraphRouter (ICLR'25; FusionFactory §3.3), simplified to one round of message
 * passing on a query / task / candidate graph, scored as edge prediction:
 *
 * - query node q: its embedding e_q; task node t: the centroid of its queries (query → task messages);
 *   candidate node c: a descriptor d_c (caller features such as an embedded model card, plus think mode and log
 *   cost), a free embedding v_c, and the message from its logged query edges, A_c = mean_q (y_qc − mean_tc) e_q
 *   (where c did better or worse than usual); task–candidate edge feature f_tc = logit(mean_tc).
 * - h_q = tanh(W_q e_q + W_t e_t + b_h), g_c = W_d d_c + v_c,
 *   perf(q, c) = sigmoid(h_q · g_c + phi (e_q · A_c) + gamma f_tc + u · d_c + b), BCE on logged cells.
 *
 * Leakage: during training a query's messages (A_c, f_tc) come from the other folds only (5-fold, out-of-fold),
 * the role the paper's edge masking plays. Leave-one-out is not enough: A − own term is a function of the own
 * label given the constant A, and the optimiser finds it. Inductive: `addCandidate` scores a new LLM from its
 * descriptor alone (v = 0, A = 0, f = the task's mean over candidates); training scores a `coldStart` share of
 * edges that way so the descriptor path is learned.
 *
 * Differences from the paper and its bugs avoided (§8.2): it predicts performance (cost comes from the shared cost
 * model) instead of a one-hot of one scenario's argmax, so the policy is chosen at request time; the validation
 * slice for early stopping comes from train (the reference selects its checkpoint on the test edges and then
 * tests last-epoch weights); tasks are real task ids, not 15 equal blocks of a concatenated train+test; training
 * makes thousands of mini-batch steps rather than 70; think and direct candidates differ by a think feature, their
 * own embedding and their own edges (the reference gives them identical node features); no BatchNorm or
 * GeneralConv stack, one message-passing round.
 */
export class GraphRouter extends ContextRouter<GraphHyperparams> {
  readonly kind = 'graph' as const;
  private readonly candidateState: Float32Array;
  private readonly edgeConstant: Float32Array;

  constructor(
    context: RoutingContext,
    hyperparams: GraphHyperparams,
    seed: number,
    readonly hidden: number,
    readonly descriptorDimension: number,
    private readonly params: GraphParams,
    /** candidates x descriptorDimension (caller features + built-in ones). */
    private readonly descriptors: Float32Array,
    /** candidates x dimension: the (scaled) message A_c from each candidate's logged edges. */
    private readonly aggregates: Float32Array,
    /** 1 for candidates added without edges. */
    private readonly cold: Uint8Array,
    private readonly costLogMean: number,
    private readonly costLogStd: number,
  ) {
    super(context, hyperparams, seed);
    const C = context.candidates.length;
    const T = context.tasks.length;
    const H = hidden;
    const F = descriptorDimension;
    const [gamma, bias] = [params.scalars[0]!, params.scalars[1]!];
    this.candidateState = new Float32Array(C * H);
    this.edgeConstant = new Float32Array(T * C);
    for (let c = 0; c < C; c++) {
      for (let j = 0; j < H; j++) {
        this.candidateState[c * H + j] =
          dot(params.wd, j * F, descriptors, c * F, F) + (cold[c] ? 0 : params.v[c * H + j]!);
      }
    }
    for (let t = 0; t < T; t++) {
      const coldEdge = meanLogit(context.perfMean, t, C, cold);
      for (let c = 0; c < C; c++) {
        const f = cold[c] ? coldEdge : logit(context.perfMean[t * C + c]!);
        this.edgeConstant[t * C + c] = gamma * f + dot(params.u, 0, descriptors, c * F, F) + bias;
      }
    }
  }

  static train(set: TrainingSet, hyperparams: Partial<GraphHyperparams> = {}, seed = 0): GraphRouter {
    const hp = resolveHyperparams('graph', GRAPH_DEFAULTS, hyperparams);
    const context = RoutingContext.fit(set);
    const Q = set.queryIds.length;
    const D = set.dimension;
    const T = set.tasks.length;
    const C = set.candidates.length;
    const H = Math.max(1, Math.round(hp.hidden));
    const F0 = set.descriptorDimension;
    const F = F0 + BUILT_IN_FEATURES;

    // Candidate descriptors: caller features + think flag + standardised log mean cost + 1.
    const logCost = set.candidates.map((_, c) => Math.log(candidateMeanCost(context, c) + 1e-9));
    const costLogMean = logCost.reduce((a, b) => a + b, 0) / C;
    const costLogStd = Math.sqrt(logCost.reduce((a, b) => a + (b - costLogMean) ** 2, 0) / C) || 1;
    const descriptors = new Float32Array(C * F);
    set.candidates.forEach((name, c) => {
      if (set.descriptors) descriptors.set(set.descriptors.subarray(c * F0, (c + 1) * F0), c * F);
      descriptors.set(builtInFeatures(name, logCost[c]!, costLogMean, costLogStd), c * F + F0);
    });

    // Messages: from all edges for serving; out-of-fold for training, so no query sees its own labels.
    const rng = new SeededRandom(seed);
    const folds = Math.min(FOLDS, Q);
    const fold = new Int32Array(Q);
    rng.shuffle(Array.from({ length: Q }, (_, i) => i)).forEach((q, i) => (fold[q] = i % folds));
    const full = messages(set, () => true);
    const scale = attentionScale(set, full.aggregates);
    const aggregates = Float32Array.from(full.aggregates, (x) => x * scale);
    const oof = Array.from({ length: folds }, (_, k) => {
      const m = folds > 1 ? messages(set, (q) => fold[q] !== k, context.perfMean) : full;
      return {
        aggregates: Float64Array.from(m.aggregates, (x) => x * scale),
        edge: Float64Array.from(m.perfMean, (x) => logit(x)),
      };
    });
    const coldEdge = oof.map((o) => Float64Array.from({ length: T }, (_, t) => meanOf(o.edge, t * C, C)));
    const taskNodes = context.classifier.centroids;

    const p = {
      wq: gaussian(H * D, 1 / Math.sqrt(D), rng),
      wt: gaussian(H * D, 1 / Math.sqrt(D), rng),
      bh: new Float64Array(H),
      wd: gaussian(H * F, 0.1 / Math.sqrt(F), rng),
      v: gaussian(C * H, 0.1, rng),
      u: new Float64Array(F),
      scalars: Float64Array.from([1, 0, 0]),
    };
    const edgeRng = new SeededRandom(seed ^ 0x2545f491);
    const g = new Float64Array(C * H);
    const g0 = new Float64Array(C * H);
    const taskState = new Float64Array(T * H);
    const h = new Float64Array(H);

    const prepare = (): void => {
      for (let c = 0; c < C; c++) {
        for (let j = 0; j < H; j++) {
          const base = dot(p.wd, j * F, descriptors, c * F, F);
          g0[c * H + j] = base;
          g[c * H + j] = base + p.v[c * H + j]!;
        }
      }
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < H; j++) taskState[t * H + j] = dot(p.wt, j * D, taskNodes, t * D, D) + p.bh[j]!;
      }
    };
    const encode = (q: number): void => {
      const t = set.queryTask[q]!;
      for (let j = 0; j < H; j++)
        h[j] = Math.tanh(dot(p.wq, j * D, set.embeddings, q * D, D) + taskState[t * H + j]!);
    };
    // Edge logit and its inputs, with the query's out-of-fold messages (or the cold-start view).
    const edge = (q: number, c: number, isCold: boolean): { s: number; f: number; att: number } => {
      const t = set.queryTask[q]!;
      const k = fold[q]!;
      const f = isCold ? coldEdge[k]![t]! : oof[k]!.edge[t * C + c]!;
      const att = isCold ? 0 : dot(set.embeddings, q * D, oof[k]!.aggregates, c * D, D);
      const gc = isCold ? g0 : g;
      const s =
        dot(h, 0, gc, c * H, H) +
        p.scalars[2]! * att +
        p.scalars[0]! * f +
        dot(p.u, 0, descriptors, c * F, F) +
        p.scalars[1]!;
      return { s, f, att };
    };

    const loop = {
      params: [p.wq, p.wt, p.bh, p.wd, p.v, p.u, p.scalars],
      batchGradient(batch: readonly number[], grads: Float64Array[]): void {
        const [gWq, gWt, gBh, gWd, gV, gU, gS] = grads as [
          Float64Array,
          Float64Array,
          Float64Array,
          Float64Array,
          Float64Array,
          Float64Array,
          Float64Array,
        ];
        grads.forEach((x) => x.fill(0));
        prepare();
        let cells = 0;
        for (const q of batch)
          for (let c = 0; c < C; c++) if (!Number.isNaN(set.performance[q * C + c]!)) cells++;
        if (cells === 0) return;
        const dG0 = new Float64Array(C * H);
        const dTask = new Float64Array(T * H);
        const dh = new Float64Array(H);
        for (const q of batch) {
          const t = set.queryTask[q]!;
          encode(q);
          dh.fill(0);
          for (let c = 0; c < C; c++) {
            const y = set.performance[q * C + c]!;
            if (Number.isNaN(y)) continue;
            const isCold = edgeRng.next() < hp.coldStart;
            const { s, f, att } = edge(q, c, isCold);
            const ds = (sigmoid(s) - y) / cells;
            gS[0] = gS[0]! + ds * f;
            gS[1] = gS[1]! + ds;
            gS[2] = gS[2]! + ds * att;
            for (let i = 0; i < F; i++) gU[i] = gU[i]! + ds * descriptors[c * F + i]!;
            const gc = isCold ? g0 : g;
            for (let j = 0; j < H; j++) {
              dG0[c * H + j] = dG0[c * H + j]! + ds * h[j]!;
              if (!isCold) gV[c * H + j] = gV[c * H + j]! + ds * h[j]!;
              dh[j] = dh[j]! + ds * gc[c * H + j]!;
            }
          }
          for (let j = 0; j < H; j++) {
            const a = dh[j]! * (1 - h[j]! * h[j]!);
            if (a === 0) continue;
            dTask[t * H + j] = dTask[t * H + j]! + a;
            for (let d = 0; d < D; d++) gWq[j * D + d] = gWq[j * D + d]! + a * set.embeddings[q * D + d]!;
          }
        }
        // Both views pass through W_d d_c: dG0 holds every edge's gradient with respect to g_c.
        for (let c = 0; c < C; c++) {
          for (let j = 0; j < H; j++) {
            const a = dG0[c * H + j]!;
            if (a !== 0)
              for (let i = 0; i < F; i++) gWd[j * F + i] = gWd[j * F + i]! + a * descriptors[c * F + i]!;
          }
        }
        for (let t = 0; t < T; t++) {
          for (let j = 0; j < H; j++) {
            const a = dTask[t * H + j]!;
            if (a === 0) continue;
            gBh[j] = gBh[j]! + a;
            for (let d = 0; d < D; d++) gWt[j * D + d] = gWt[j * D + d]! + a * taskNodes[t * D + d]!;
          }
        }
      },
      loss(queries: readonly number[]): number {
        prepare();
        let total = 0;
        let cnt = 0;
        for (const q of queries) {
          encode(q);
          for (let c = 0; c < C; c++) {
            const y = set.performance[q * C + c]!;
            if (Number.isNaN(y)) continue;
            const pr = Math.min(1 - 1e-7, Math.max(1e-7, sigmoid(edge(q, c, false).s)));
            total -= y * Math.log(pr) + (1 - y) * Math.log(1 - pr);
            cnt++;
          }
        }
        return cnt > 0 ? total / cnt : 0;
      },
    };
    const split = splitQueryIndices(set, hp.validationFraction, seed);
    runTrainingLoop(loop, split.train, split.validation, { ...hp, seed });

    // Fold the task node into a per-task state (W_t e_t + b_h) for the artifact.
    prepare();
    const params: GraphParams = {
      wq: Float32Array.from(p.wq),
      taskState: Float32Array.from(taskState),
      wd: Float32Array.from(p.wd),
      v: Float32Array.from(p.v),
      u: Float32Array.from(p.u),
      scalars: Float32Array.from(p.scalars),
    };
    return new GraphRouter(
      context,
      hp,
      seed,
      H,
      F,
      params,
      descriptors,
      aggregates,
      new Uint8Array(C),
      costLogMean,
      costLogStd,
    );
  }

  /**
   * The router with one more candidate that has no logged outcomes, scored from its descriptor alone.
   * `features` must have the length of the caller descriptor features the router was trained with.
   */
  addCandidate(
    candidate: string,
    opts: { features?: Float32Array; costUsd: number; latencyMs?: number | null },
  ): GraphRouter {
    const C = this.context.candidates.length;
    const T = this.context.tasks.length;
    const H = this.hidden;
    const F = this.descriptorDimension;
    const F0 = F - BUILT_IN_FEATURES;
    if (this.context.candidates.includes(candidate))
      throw DomainError.invalidArgument('candidate', `${candidate} is already known`);
    if (!(opts.costUsd >= 0)) throw DomainError.invalidArgument('costUsd', 'must be a non-negative number');
    const features = opts.features ?? new Float32Array(F0);
    if (features.length !== F0)
      throw DomainError.invalidArgument('features', `expected ${F0} values, got ${features.length}`);
    const descriptors = new Float32Array((C + 1) * F);
    descriptors.set(this.descriptors);
    descriptors.set(features, C * F);
    descriptors.set(
      builtInFeatures(candidate, Math.log(opts.costUsd + 1e-9), this.costLogMean, this.costLogStd),
      C * F + F0,
    );
    const perfByTask = Array.from({ length: T }, (_, t) =>
      sigmoid(meanLogit(this.context.perfMean, t, C, this.cold)),
    );
    const context = this.context.withCandidate(candidate, perfByTask, opts.costUsd, opts.latencyMs ?? null);
    const aggregates = new Float32Array((C + 1) * this.context.dimension);
    aggregates.set(this.aggregates);
    const v = new Float32Array((C + 1) * H);
    v.set(this.params.v);
    const cold = new Uint8Array(C + 1);
    cold.set(this.cold);
    cold[C] = 1;
    return new GraphRouter(
      context,
      this.hyperparams,
      this.seed,
      H,
      F,
      { ...this.params, v },
      descriptors,
      aggregates,
      cold,
      this.costLogMean,
      this.costLogStd,
    );
  }

  static fromArtifact(artifact: RouterArtifact): GraphRouter {
    const context = RoutingContext.fromJSON(artifact.context);
    const hp = resolveHyperparams('graph', GRAPH_DEFAULTS, artifact.hyperparams as Partial<GraphHyperparams>);
    const m = artifact.model;
    const H = modelField(m, 'hidden', isNumber, 'a number');
    const F = modelField(m, 'descriptorDimension', isNumber, 'a number');
    const C = context.candidates.length;
    const D = context.dimension;
    const T = context.tasks.length;
    const f = (name: string, len: number): Float32Array =>
      decodeFloat32(modelField(m, name, isString, 'base64'), len, `artifact.model.${name}`);
    const coldList = m['cold'];
    if (!Array.isArray(coldList) || coldList.length !== C)
      throw DomainError.invalidArgument('artifact.model.cold', `expected ${C} flags`);
    return new GraphRouter(
      context,
      hp,
      artifact.seed,
      H,
      F,
      {
        wq: f('wq', H * D),
        taskState: f('taskState', T * H),
        wd: f('wd', H * F),
        v: f('v', C * H),
        u: f('u', F),
        scalars: f('scalars', 3),
      },
      f('descriptors', C * F),
      f('aggregates', C * D),
      Uint8Array.from(coldList, (x) => (x ? 1 : 0)),
      modelField(m, 'costLogMean', isNumber, 'a number'),
      modelField(m, 'costLogStd', isNumber, 'a number'),
    );
  }

  protected modelJSON(): Record<string, unknown> {
    return {
      hidden: this.hidden,
      descriptorDimension: this.descriptorDimension,
      wq: encodeFloat32(this.params.wq),
      taskState: encodeFloat32(this.params.taskState),
      wd: encodeFloat32(this.params.wd),
      v: encodeFloat32(this.params.v),
      u: encodeFloat32(this.params.u),
      scalars: encodeFloat32(this.params.scalars),
      descriptors: encodeFloat32(this.descriptors),
      aggregates: encodeFloat32(this.aggregates),
      cold: [...this.cold],
      costLogMean: this.costLogMean,
      costLogStd: this.costLogStd,
    };
  }

  protected predictInto(
    unit: Float32Array,
    task: number,
    queryLength: number | undefined,
    out: PredictBuffers,
  ): boolean {
    const D = this.context.dimension;
    const C = this.context.candidates.length;
    const H = this.hidden;
    const phi = this.params.scalars[2]!;
    const h = new Float64Array(H);
    for (let j = 0; j < H; j++)
      h[j] = Math.tanh(dot(this.params.wq, j * D, unit, 0, D) + this.params.taskState[task * H + j]!);
    for (let c = 0; c < C; c++) {
      const att = this.cold[c] ? 0 : dot(unit, 0, this.aggregates, c * D, D);
      out.perf[c] = sigmoid(
        dot(h, 0, this.candidateState, c * H, H) + phi * att + this.edgeConstant[task * C + c]!,
      );
    }
    this.costFromModel(task, queryLength, out.cost);
    return false;
  }
}

interface GraphParams {
  wq: Float32Array;
  /** tasks x hidden: W_t e_t + b_h folded per task. */
  taskState: Float32Array;
  wd: Float32Array;
  /** candidates x hidden: free candidate embeddings (0 for added candidates). */
  v: Float32Array;
  u: Float32Array;
  /** [gamma (task edge), bias, phi (query–candidate attention)]. */
  scalars: Float32Array;
}

/**
 * Per-task means and the residual-weighted message A_c over the queries `include` accepts. Residuals are taken
 * against `priorMean` where the subset has no data for a (task, candidate).
 */
function messages(
  set: TrainingSet,
  include: (q: number) => boolean,
  priorMean?: Float64Array,
): { perfMean: Float64Array; aggregates: Float64Array } {
  const Q = set.queryIds.length;
  const C = set.candidates.length;
  const T = set.tasks.length;
  const D = set.dimension;
  const sum = new Float64Array(T * C);
  const cnt = new Float64Array(T * C);
  for (let q = 0; q < Q; q++) {
    if (!include(q)) continue;
    const t = set.queryTask[q]!;
    for (let c = 0; c < C; c++) {
      const y = set.performance[q * C + c]!;
      if (Number.isNaN(y)) continue;
      sum[t * C + c]! += y;
      cnt[t * C + c]! += 1;
    }
  }
  const perfMean = Float64Array.from(sum, (s, k) => (cnt[k]! > 0 ? s / cnt[k]! : (priorMean?.[k] ?? 0.5)));
  const aggregates = new Float64Array(C * D);
  const n = new Float64Array(C);
  for (let q = 0; q < Q; q++) {
    if (!include(q)) continue;
    const t = set.queryTask[q]!;
    for (let c = 0; c < C; c++) {
      const y = set.performance[q * C + c]!;
      if (Number.isNaN(y)) continue;
      const r = y - perfMean[t * C + c]!;
      n[c]! += 1;
      for (let d = 0; d < D; d++) aggregates[c * D + d]! += r * set.embeddings[q * D + d]!;
    }
  }
  for (let c = 0; c < C; c++) if (n[c]! > 0) for (let d = 0; d < D; d++) aggregates[c * D + d]! /= n[c]!;
  return { perfMean, aggregates };
}

function meanOf(a: Float64Array, start: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[start + i]!;
  return n > 0 ? s / n : 0;
}

function attentionScale(set: TrainingSet, agg: Float64Array): number {
  const C = set.candidates.length;
  const D = set.dimension;
  let s = 0;
  let ss = 0;
  let n = 0;
  for (let q = 0; q < set.queryTask.length; q++) {
    for (let c = 0; c < C; c++) {
      if (Number.isNaN(set.performance[q * C + c]!)) continue;
      const v = dot(set.embeddings, q * D, agg, c * D, D);
      s += v;
      ss += v * v;
      n++;
    }
  }
  const variance = n > 1 ? ss / n - (s / n) ** 2 : 0;
  return variance > 1e-18 ? 1 / Math.sqrt(variance) : 1;
}

function builtInFeatures(candidate: string, logCost: number, mean: number, std: number): Float32Array {
  return Float32Array.from([
    parseCandidate(candidate).promptMode === 'think' ? 1 : 0,
    (logCost - mean) / std,
    1,
  ]);
}

function candidateMeanCost(context: RoutingContext, c: number): number {
  const T = context.tasks.length;
  const C = context.candidates.length;
  let s = 0;
  for (let t = 0; t < T; t++) s += context.costModel.mean[t * C + c]!;
  return s / T;
}

/** Mean over (warm) candidates of logit(mean performance) on task t: the edge feature of a new candidate. */
function meanLogit(perfMean: Float64Array, t: number, C: number, cold: Uint8Array | null): number {
  let s = 0;
  let n = 0;
  for (let c = 0; c < C; c++) {
    if (cold && cold[c]) continue;
    s += logit(perfMean[t * C + c]!);
    n++;
  }
  return n > 0 ? s / n : 0;
}
