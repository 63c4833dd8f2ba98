import type { distillationV1, routingV1, thoughtV1 } from '@fusion/contracts/grpc';
import { Output, textTable, type GlobalOptions } from '../cli-context';
import { CliError } from '../cli-error';
import { parseInteger, parseList, parseNumber } from '../option-parsers';
import { withSession, type FusionSession } from '../remote/fusion-session';
import { plainProto } from '../remote/proto-json';

// proto enum fusion.routing.v1.Mode (numbers on the wire API).
const MODE_DECIDE = 1;
const MODE_EXECUTE = 2;
const TRAIN_DEADLINE_MS = 30 * 60_000;
const EXECUTE_DEADLINE_MS = 5 * 60_000;

const SCENARIOS = ['performance_first', 'balance', 'cost_first'];

async function remote<T>(
  globals: GlobalOptions,
  fn: (s: FusionSession, out: Output) => Promise<T>,
): Promise<T> {
  const out = new Output(globals);
  return withSession(globals, (s) => fn(s, out), { note: (t) => out.note(t) });
}

function usd(v: number): string {
  return v === 0 ? '$0' : `$${v.toPrecision(3)}`;
}

function rewards(byScenario: Record<string, number> | undefined): string {
  return Object.entries(byScenario ?? {})
    .map(([k, v]) => `${k}=${v.toFixed(3)}`)
    .join(' ');
}

/** Text on one line, cut at `max` characters (queries and templates can span many lines). */
function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The promotion gate in one line: both held-out rewards and the verdict. */
function gateLine(gate: routingV1.Gate | null | undefined): string | undefined {
  if (!gate?.scenario) return undefined;
  const champion =
    gate.championRouterId && gate.championReward !== undefined && gate.championReward !== null
      ? `champion ${gate.championRouterId} v${gate.championVersion} ${gate.championReward.toFixed(4)}`
      : 'no champion yet';
  return `gate (${gate.scenario}, held-out reward): challenger ${gate.challengerReward.toFixed(4)} vs ${champion} -> ${gate.passed ? 'passed' : 'refused'}`;
}

export interface RouteFlags {
  scenario?: string;
  alpha?: string;
  beta?: string;
  allow?: string[];
  exclude?: string[];
  maxCost?: string;
  latencyBudget?: string;
  execute?: boolean;
  task?: string;
  thoughts?: boolean;
  maxTokens?: string;
  top?: string;
}

/** The routing policy from flags: a named scenario, or custom --alpha/--beta. */
export function policyFromFlags(flags: RouteFlags): routingV1.Policy {
  const hasWeights = flags.alpha !== undefined || flags.beta !== undefined;
  const scenario = flags.scenario?.trim();
  if (scenario && !SCENARIOS.includes(scenario) && scenario !== 'custom') {
    throw CliError.usage(
      `unknown scenario '${scenario}': use --scenario ${SCENARIOS.join('|')}, or --alpha/--beta`,
    );
  }
  if (hasWeights && scenario && scenario !== 'custom') {
    throw CliError.usage(
      `--alpha/--beta set a custom policy: drop --scenario ${scenario} (or use --scenario custom)`,
    );
  }
  if (scenario === 'custom' && !hasWeights)
    throw CliError.usage('--scenario custom needs --alpha and --beta');
  const alpha = flags.alpha !== undefined ? parseNumber('--alpha', flags.alpha, { min: 0 }) : undefined;
  const beta = flags.beta !== undefined ? parseNumber('--beta', flags.beta, { min: 0 }) : undefined;
  if (hasWeights && (alpha ?? 0) + (beta ?? 0) === 0)
    throw CliError.usage('--alpha and --beta cannot both be 0');
  return {
    scenario: hasWeights ? '' : (scenario ?? 'balance'),
    ...(hasWeights ? { alpha: alpha ?? 0, beta: beta ?? 0 } : {}),
    allowedModels: parseList(flags.allow),
    excludedModels: parseList(flags.exclude),
    ...(flags.maxCost !== undefined
      ? { maxCostUsd: parseNumber('--max-cost', flags.maxCost, { min: 0 }) }
      : {}),
    ...(flags.latencyBudget !== undefined
      ? { latencyBudgetMs: parseNumber('--latency-budget', flags.latencyBudget, { min: 0 }) }
      : {}),
    thoughtAugmentation: flags.thoughts ?? false,
  };
}

/** `fusion route <query>`: ask the router which model should answer (and, with --execute, get the answer). */
export async function runRoute(query: string, flags: RouteFlags, globals: GlobalOptions): Promise<void> {
  if (query.trim() === '')
    throw CliError.usage('the query is empty: pass the text to route, e.g. fusion route "What is 2+2?"');
  const policy = policyFromFlags(flags);
  const top = flags.top !== undefined ? parseInteger('--top', flags.top, { min: 1 }) : 5;
  const request: routingV1.RouteQueryRequest = {
    tenant: globals.tenant,
    query,
    policy,
    mode: flags.execute ? MODE_EXECUTE : MODE_DECIDE,
    taskHint: flags.task ?? '',
    requestId: '',
    messages: [],
    ...(flags.maxTokens !== undefined
      ? { maxTokens: parseInteger('--max-tokens', flags.maxTokens, { min: 1 }) }
      : {}),
  };
  await remote(globals, async (s, out) => {
    const res = await s.unary<routingV1.RouteQueryRequest, routingV1.RouteQueryResponse>(
      'routing',
      'RouteQuery',
      request,
      flags.execute ? EXECUTE_DEADLINE_MS : undefined,
    );
    out.result(plainProto(res), () => routeText(res, top));
  });
}

const TASK_SOURCE: Record<string, string> = { hint: 'from --task', classifier: 'classified' };

function routeText(res: routingV1.RouteQueryResponse, top: number): string {
  const d = res.decision;
  const task = d?.inferredTask
    ? ` (task ${d.inferredTask}${d.taskSource ? `, ${TASK_SOURCE[d.taskSource] ?? d.taskSource}` : ''})`
    : '';
  const lines = [
    `chosen: ${d?.chosen || '(none)'}${task}`,
    `router: ${d?.routerKind || 'none'}${d?.routerVersion ? ` v${d.routerVersion}` : ''}${d?.fallbackToBestSingle ? ' (no router trained yet: best single model)' : ''}${d?.policy ? `, policy ${d.policy}` : ''}`,
  ];
  if (d?.reason) lines.push(`reason: ${d.reason}`);
  if (d?.shadow?.routerId)
    lines.push(
      `shadow: challenger ${d.shadow.routerId} v${d.shadow.routerVersion} (${d.shadow.routerKind}) would choose ${d.shadow.chosen}`,
    );
  const ranked = (d?.ranked ?? []).slice(0, top);
  if (ranked.length > 0) {
    const latency = ranked.some((r) => r.predictedLatencyMs !== undefined && r.predictedLatencyMs !== null);
    lines.push(
      '',
      textTable(
        ['candidate', 'predicted perf', 'predicted cost', ...(latency ? ['predicted latency'] : []), 'score'],
        ranked.map((r) => [
          r.candidate,
          r.predictedPerformance.toFixed(3),
          usd(r.predictedCostUsd),
          ...(latency ? [r.predictedLatencyMs != null ? `${Math.round(r.predictedLatencyMs)} ms` : '-'] : []),
          r.score.toFixed(4),
        ]),
      ),
    );
  }
  const excluded = d?.excluded ?? [];
  if (excluded.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const e of excluded) byReason.set(e.reason, [...(byReason.get(e.reason) ?? []), e.candidate]);
    lines.push(
      `excluded ${excluded.length}: ${[...byReason].map(([reason, names]) => `${reason} (${names.join(', ')})`).join('; ')}`,
    );
  }
  if (res.completion) {
    const c = res.completion;
    lines.push(
      '',
      `answer (${c.servedBy}, ${c.inputTokens}+${c.outputTokens} tokens, ${usd(c.costUsd)}):`,
      c.text,
    );
    const failed = (res.attempts ?? []).filter((a) => !a.ok);
    if (failed.length > 0) {
      lines.push(
        '',
        `fallback: ${failed.length} candidate(s) failed before ${c.servedBy} answered:`,
        ...failed.map((a) => `  ${a.candidate}: ${clip(a.error, 200)}`),
      );
    }
  }
  return lines.join('\n');
}

function routerRow(r: routingV1.RouterVersion, tag: string): string[] {
  return [
    `${r.routerId}`,
    String(r.version),
    r.kind,
    tag || r.status,
    String(r.trainedOnQueries),
    rewards(r.rewardByScenario),
    r.registeredAt,
  ];
}

export async function runRoutersList(globals: GlobalOptions): Promise<void> {
  await remote(globals, async (s, out) => {
    const res = await s.unary<routingV1.ListRoutersRequest, routingV1.ListRoutersResponse>(
      'routing',
      'ListRouters',
      {
        tenant: globals.tenant,
      },
    );
    out.result(plainProto(res), () => {
      if (res.routers.length === 0) return 'no routers yet: train one with `fusion routers train`';
      const tag = (r: routingV1.RouterVersion) =>
        res.champion && r.routerId === res.champion.routerId && r.version === res.champion.version
          ? 'champion'
          : res.challenger && r.routerId === res.challenger.routerId && r.version === res.challenger.version
            ? 'challenger'
            : '';
      return textTable(
        ['router', 'version', 'kind', 'status', 'queries', 'reward by scenario', 'registered'],
        res.routers.map((r) => routerRow(r, tag(r))),
      );
    });
  });
}

export interface TrainFlags {
  kind?: string;
  promote?: boolean;
  shadow?: boolean;
  gateScenario?: string;
}

const ROUTER_KIND_NAMES = ['knn', 'mlp', 'linear', 'mf', 'matrix_factorisation', 'graph'];

export async function runRoutersTrain(flags: TrainFlags, globals: GlobalOptions): Promise<void> {
  const kinds = parseList(flags.kind).filter((k) => k !== 'all');
  const unknown = kinds.find((k) => !ROUTER_KIND_NAMES.includes(k));
  if (unknown)
    throw CliError.usage(
      `unknown router kind '${unknown}': use --kind with ${ROUTER_KIND_NAMES.join('|')}|all (comma-separated)`,
    );
  if (flags.promote && flags.shadow)
    throw CliError.usage('--promote and --shadow exclude each other: pick one');
  const gateScenario = flags.gateScenario ?? '';
  if (gateScenario && !SCENARIOS.includes(gateScenario))
    throw CliError.usage(`unknown scenario '${gateScenario}': use --gate-scenario ${SCENARIOS.join('|')}`);
  await remote(globals, async (s, out) => {
    const res = await s.unary<routingV1.TrainRouterRequest, routingV1.TrainRouterResponse>(
      'routing',
      'TrainRouter',
      {
        tenant: globals.tenant,
        kind: kinds.length === 1 ? (kinds[0] ?? '') : '',
        kinds: kinds.length > 1 ? kinds : [],
        promoteIfBetter: flags.promote ?? false,
        shadow: flags.shadow ?? false,
        gateScenario,
      },
      TRAIN_DEADLINE_MS,
    );
    out.result(plainProto(res), () => trainText(res));
  });
}

function trainText(res: routingV1.TrainRouterResponse): string {
  const r = res.router;
  const lines = [
    r
      ? `trained ${r.routerId} v${r.version} (${r.kind}) on ${r.trainedOnQueries} queries (${r.trainedOnRecords} records)`
      : 'trained (no version returned)',
  ];
  if (r && Object.keys(r.rewardByScenario ?? {}).length > 0)
    lines.push(`held-out reward: ${rewards(r.rewardByScenario)}`);
  const evaluated = res.evaluated ?? [];
  if (evaluated.length > 1) {
    lines.push(
      '',
      textTable(
        ['kind', 'held-out reward by scenario', 'train', 'error'],
        evaluated.map((e) => [e.kind, rewards(e.rewardByScenario), `${Math.round(e.trainMs)} ms`, e.error]),
      ),
      '',
    );
  }
  const gate = gateLine(res.gate);
  if (gate) lines.push(gate);
  const promoteCmd = r ? `fusion routers promote ${r.routerId} ${r.version}` : '';
  if (res.promoted) lines.push('promoted to champion');
  else if (res.challenger) lines.push('set as challenger (shadow mode)');
  else if (res.rejected)
    lines.push(
      `rejected by the gate: ${res.gateReason || 'it does not beat the champion'}${promoteCmd ? ` (override: ${promoteCmd} --force)` : ''}`,
    );
  else if (res.gate?.passed)
    lines.push(
      `registered, not promoted (no --promote); the gate would pass${promoteCmd ? `: ${promoteCmd}` : ''}`,
    );
  else
    lines.push(
      `registered, not promoted${res.gateReason ? `: ${res.gateReason}` : ''}${promoteCmd ? ` (override: ${promoteCmd} --force)` : ''}`,
    );
  return lines.join('\n');
}

export async function runRoutersPromote(
  routerId: string,
  versionArg: string,
  flags: { force?: boolean },
  globals: GlobalOptions,
): Promise<void> {
  const version = parseInteger('<version>', versionArg, { min: 1 });
  await remote(globals, async (s, out) => {
    const res = await s.unary<routingV1.PromoteRouterRequest, routingV1.PromoteRouterResponse>(
      'routing',
      'PromoteRouter',
      {
        tenant: globals.tenant,
        routerId,
        version,
        force: flags.force ?? false,
      },
    );
    out.result(plainProto(res), () => {
      const gate = gateLine(res.gate);
      return [
        ...(gate ? [gate] : []),
        res.promoted
          ? `promoted ${routerId} v${version} to champion${res.gateReason ? ` (${res.gateReason})` : ''}`
          : `not promoted: ${res.gateReason || 'the gate refused it'} (use --force to override)`,
      ].join('\n');
    });
  });
}

const SELECTIONS = ['performance', 'judge', 'hybrid'];

export async function runThoughtsBuild(
  flags: { selection?: string; queriesPerTask?: string },
  globals: GlobalOptions,
): Promise<void> {
  const selection = flags.selection ?? 'hybrid';
  if (!SELECTIONS.includes(selection))
    throw CliError.usage(`unknown selection '${selection}': use --selection ${SELECTIONS.join('|')}`);
  const queriesPerTask =
    flags.queriesPerTask !== undefined
      ? parseInteger('--queries-per-task', flags.queriesPerTask, { min: 1 })
      : 0;
  await remote(globals, async (s, out) => {
    const res = await s.unary<thoughtV1.BuildTemplatesRequest, thoughtV1.BuildTemplatesResponse>(
      'thought',
      'BuildTemplates',
      { tenant: globals.tenant, selection, queriesPerTask },
      TRAIN_DEADLINE_MS,
    );
    out.result(plainProto(res), () => {
      const lines = [
        `built ${res.templates} thought templates over ${res.tasks} tasks (selection ${res.selection || selection}${res.summarizer ? `, summariser ${res.summarizer}` : ''})`,
      ];
      if (res.buildId) lines.push(`build ${res.buildId} (it replaced the previous library)`);
      if (Number(res.failed) > 0)
        lines.push(`${res.failed} queries left out: their summary failed (see the server's logs)`);
      return lines.join('\n');
    });
  });
}

export async function runThoughtsRetrieve(
  query: string,
  flags: { task?: string; topK?: string },
  globals: GlobalOptions,
): Promise<void> {
  if (query.trim() === '') throw CliError.usage('the query is empty: pass the text to find thoughts for');
  const topK = flags.topK !== undefined ? parseInteger('--top-k', flags.topK, { min: 1, max: 50 }) : 3;
  await remote(globals, async (s, out) => {
    const res = await s.unary<thoughtV1.RetrieveThoughtsRequest, thoughtV1.RetrieveThoughtsResponse>(
      'thought',
      'RetrieveThoughts',
      { tenant: globals.tenant, query, taskHint: flags.task ?? '', topK },
    );
    out.result(plainProto(res), () => {
      if (res.templates.length === 0)
        return 'no thought templates found: build them with `fusion thoughts build`';
      const lines = res.templates.map((t, i) =>
        [
          `${i + 1}. ${t.taskName}  similarity ${t.similarity.toFixed(3)}${t.summarizer ? `  (${t.summarizer})` : ''}`,
          `   query: ${clip(t.query, 160)}`,
          `   template:`,
          ...t.template.split('\n').map((l) => `     ${l}`),
        ].join('\n'),
      );
      return [
        ...(res.taskName ? [`templates of task ${res.taskName}:`, ''] : []),
        ...lines,
        '',
        'augmented prompt:',
        res.augmentedPrompt,
      ].join('\n');
    });
  });
}

const SETTINGS = ['perf', 'judge', 'hybrid', 'baseline'];

export async function runDistillDataset(
  flags: { setting?: string; topK?: string; out?: string },
  globals: GlobalOptions,
): Promise<void> {
  const setting = flags.setting ?? 'hybrid';
  if (!SETTINGS.includes(setting))
    throw CliError.usage(`unknown setting '${setting}': use --setting ${SETTINGS.join('|')}`);
  const topK = flags.topK !== undefined ? parseInteger('--top-k', flags.topK, { min: 1 }) : 0;
  await remote(globals, async (s, out) => {
    const res = await s.unary<distillationV1.BuildDatasetRequest, distillationV1.BuildDatasetResponse>(
      'distillation',
      'BuildDataset',
      { tenant: globals.tenant, setting, topK, outPath: flags.out ?? '' },
      TRAIN_DEADLINE_MS,
    );
    out.result(plainProto(res), () => {
      const lines = [
        `dataset ${res.datasetId}: ${res.records} examples from ${res.queries} queries (setting ${res.setting || setting}${res.topK ? `, top ${res.topK} per query` : ''})`,
      ];
      if (res.path)
        lines.push(
          `  written to ${res.path}${res.datasetName ? ` (LLaMA-Factory dataset ${res.datasetName}, in dataset_info.json beside it)` : ''}`,
        );
      if (Number(res.skippedResponses) > 0)
        lines.push(`  skipped ${res.skippedResponses} responses scored 0 or not scored`);
      if (Number(res.queriesWithoutGroundTruth) > 0)
        lines.push(
          `  ${res.queriesWithoutGroundTruth} queries have no ground truth (no gold example for them)`,
        );
      lines.push(`next: fusion distill submit ${res.datasetId}`);
      return lines.join('\n');
    });
  });
}

export async function runDistillSubmit(
  datasetId: string,
  flags: { baseModel?: string; student?: string },
  globals: GlobalOptions,
): Promise<void> {
  await remote(globals, async (s, out) => {
    const res = await s.unary<distillationV1.SubmitJobRequest, distillationV1.SubmitJobResponse>(
      'distillation',
      'SubmitJob',
      {
        tenant: globals.tenant,
        datasetId,
        baseModel: flags.baseModel ?? '',
        studentName: flags.student ?? '',
      },
    );
    out.result(plainProto(res), () => {
      const j = res.job;
      if (!j) return 'submitted';
      const lines = [
        `submitted job ${j.jobId} (${j.status}${j.runner ? `, ${j.runner} runner` : ''}): ${j.baseModel} -> ${j.studentName} on ${j.datasetId}`,
      ];
      if (j.manifestPath) lines.push(`  manifest: ${j.manifestPath}`);
      if (j.kubernetesName) lines.push(`  kubernetes job: ${j.kubernetesNamespace}/${j.kubernetesName}`);
      if (j.message) lines.push(`  ${j.message}`);
      return lines.join('\n');
    });
  });
}

export async function runDistillJobs(globals: GlobalOptions): Promise<void> {
  await remote(globals, async (s, out) => {
    const res = await s.unary<distillationV1.ListJobsRequest, distillationV1.ListJobsResponse>(
      'distillation',
      'ListJobs',
      {
        tenant: globals.tenant,
      },
    );
    out.result(plainProto(res), () => {
      if (res.jobs.length === 0)
        return 'no distillation jobs yet: submit one with `fusion distill submit <dataset-id>`';
      const lines = [
        textTable(
          ['job', 'status', 'dataset', 'base model', 'student', 'runner', 'submitted', 'where'],
          res.jobs.map((j) => [
            j.jobId,
            j.status,
            j.datasetId,
            j.baseModel,
            j.studentName,
            j.runner,
            j.submittedAt,
            j.kubernetesName ? `${j.kubernetesNamespace}/${j.kubernetesName}` : j.manifestPath,
          ]),
        ),
      ];
      // The messages are long (how to run the job): one note instead of a column.
      if (res.jobs.some((j) => j.status === 'awaiting_cluster'))
        lines.push(
          '',
          'awaiting_cluster: no cluster runs these jobs (local runner); apply the manifest with `kubectl apply -f <where>` (details: fusion --json distill jobs)',
        );
      return lines.join('\n');
    });
  });
}
