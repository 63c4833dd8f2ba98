import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  distillationConfigShape,
  distillationOptionsFrom,
  evaluationConfigShape,
  evaluationOptionsFrom,
  ingestionConfigShape,
  ingestionOptionsFrom,
  routingConfigShape,
  routingOptionsFrom,
  thoughtConfigShape,
  thoughtOptionsFrom,
} from '@fusion/composition';
import { parseBackendEntries } from '@fusion/routing';
import { baseConfigShape, checkModeRequirements, loadConfig, servicePorts, z } from '@fusion/shared/config';

// Renders helm/fusionfactory with the real helm binary and checks the objects it produces.
// helm comes from PATH, $HELM_BIN or the cache that `scripts/infra/helm.sh install` fills (.ci/run does).

const REPO_ROOT = resolve(__dirname, '../..');
const CHART = resolve(REPO_ROOT, 'helm/fusionfactory');
const REQUIRED = [
  '--set',
  'database.url=postgres://fusion:pw@pg:5432/fusion',
  '--set',
  'kafka.brokers=kafka:9092',
];

const SERVICES = {
  ingestion: { grpc: 50051, http: 8081 },
  evaluation: { grpc: 50052, http: 8082 },
  routing: { grpc: 50053, http: 8083 },
  thought: { grpc: 50054, http: 8084 },
  distillation: { grpc: 50055, http: 8085 },
} as const;

// Minimal shapes of the fields the assertions read.
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

let helm = '';

function runHelm(args: string[]): { code: number; stdout: string; stderr: string } {
  const res = spawnSync(helm, args, { cwd: REPO_ROOT, encoding: 'utf8' });
  return { code: res.status ?? 1, stdout: res.stdout, stderr: res.stderr };
}

function render(args: string[]): K8sObject[] {
  const res = runHelm(['template', 'ff', CHART, '--namespace', 'fusion', ...args]);
  if (res.code !== 0) throw new Error(`helm template failed: ${res.stderr}`);
  return parseAllDocuments(res.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** Each service's own variables and how its app turns them into options (apps/<name>/src/main.ts does the same). */
const APP_CONFIG: Record<
  keyof typeof SERVICES,
  { shape: z.ZodRawShape; options: (cfg: never, env: NodeJS.ProcessEnv) => unknown }
> = {
  ingestion: { shape: ingestionConfigShape, options: ingestionOptionsFrom },
  evaluation: { shape: evaluationConfigShape, options: evaluationOptionsFrom },
  routing: { shape: routingConfigShape, options: routingOptionsFrom },
  thought: { shape: thoughtConfigShape, options: thoughtOptionsFrom },
  // The in-cluster API URL comes from the pod's environment (KUBERNETES_SERVICE_HOST), not from process.env here.
  distillation: { shape: distillationConfigShape, options: (cfg, env) => distillationOptionsFrom(cfg, env) },
};

/**
 * The environment a service's container would see: the shared ConfigMap (envFrom) plus its own `env`, with Secret
 * references replaced by plausible values, and what the kubelet adds in a cluster.
 */
function containerEnv(objs: K8sObject[], service: string): Record<string, string> {
  const c = find(objs, 'Deployment', `ff-fusionfactory-${service}`).spec.template.spec.containers[0];
  const env: Record<string, string> = {
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
  };
  for (const from of c.envFrom as { configMapRef?: { name: string } }[]) {
    if (from.configMapRef) Object.assign(env, find(objs, 'ConfigMap', from.configMapRef.name).data);
  }
  for (const e of c.env as {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { key: string } };
  }[]) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.name === 'DATABASE_URL') env[e.name] = 'postgres://fusion:pw@pg:5432/fusion';
    else if (e.valueFrom?.secretKeyRef) env[e.name] = `secret-${e.valueFrom.secretKeyRef.key}`;
  }
  return env;
}

/** Validates a container's env exactly as the service does at start-up; returns its config and options. */
function startUpConfig(
  objs: K8sObject[],
  service: keyof typeof SERVICES,
): { cfg: Record<string, unknown>; options: any } {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  const { shape, options } = APP_CONFIG[service];
  const ports = SERVICES[service];
  const schema = z.object({ ...baseConfigShape, ...servicePorts(ports.grpc, ports.http), ...shape });
  const env = containerEnv(objs, service);
  const cfg = loadConfig(schema, env) as Record<string, unknown>;
  checkModeRequirements(cfg as { FUSION_MODE: string });
  return { cfg, options: options(cfg as never, env) };
}

function envOf(objs: K8sObject[], service: string): Record<string, unknown> {
  const c = find(objs, 'Deployment', `ff-fusionfactory-${service}`).spec.template.spec.containers[0];
  return Object.fromEntries(
    c.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]),
  );
}

function find(objs: K8sObject[], kind: string, name: string): K8sObject {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o)
    throw new Error(`no ${kind} ${name} in: ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

beforeAll(() => {
  const res = spawnSync('bash', [resolve(REPO_ROOT, 'scripts/infra/helm.sh'), 'path'], { encoding: 'utf8' });
  if (res.status !== 0 || !res.stdout.trim()) {
    throw new Error(
      `helm is needed for the chart tests and was not found (${res.stderr.trim()}). ` +
        'Install it with `scripts/infra/helm.sh install` (builds helm v3.22.0 with Go, ~4 min once), or set HELM_BIN.',
    );
  }
  helm = res.stdout.trim();
});

describe('helm chart: default values', () => {
  let objs: K8sObject[] = [];
  beforeAll(() => {
    objs = render(REQUIRED);
  });

  it('renders one Deployment and one Service per service with the documented ports', () => {
    expect(
      objs
        .filter((o) => o.kind === 'Deployment')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(
      Object.keys(SERVICES)
        .map((s) => `ff-fusionfactory-${s}`)
        .sort(),
    );
    for (const [name, ports] of Object.entries(SERVICES)) {
      const svc = find(objs, 'Service', `ff-fusionfactory-${name}`);
      expect(svc.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port])).toEqual([
        ['grpc', ports.grpc],
        ['http', ports.http],
      ]);
      expect(svc.spec.selector['app.kubernetes.io/component']).toBe(name);
    }
  });

  it('runs each service from the one image with its own command, env and probes', () => {
    for (const [name, ports] of Object.entries(SERVICES)) {
      const dep = find(objs, 'Deployment', `ff-fusionfactory-${name}`);
      const pod = dep.spec.template.spec;
      const c = pod.containers[0];
      expect(c.image).toBe('fusionfactory:0.1.0');
      expect(c.args).toEqual(['node', '-r', '@swc-node/register', `apps/${name}/src/main.ts`]);
      expect(c).not.toHaveProperty('command');
      const env = Object.fromEntries(
        c.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [
          e.name,
          e.value ?? e.valueFrom,
        ]),
      );
      expect(env).toMatchObject({
        FUSION_SERVICE: name,
        GRPC_PORT: String(ports.grpc),
        HTTP_PORT: String(ports.http),
      });
      expect(env['DATABASE_URL']).toEqual({
        secretKeyRef: { name: 'ff-fusionfactory-database', key: 'DATABASE_URL' },
      });
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'ff-fusionfactory-env' } }]);
      expect(c.readinessProbe.grpc).toEqual({ port: ports.grpc });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.ports).toEqual([
        { name: 'grpc', containerPort: ports.grpc, protocol: 'TCP' },
        { name: 'http', containerPort: ports.http, protocol: 'TCP' },
      ]);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(c.volumeMounts).toContainEqual({
        name: 'backends',
        mountPath: '/etc/fusion/backends',
        readOnly: true,
      });
    }
  });

  it('puts shared settings in a ConfigMap and DATABASE_URL in a Secret', () => {
    const cm = find(objs, 'ConfigMap', 'ff-fusionfactory-env');
    expect(cm.data).toMatchObject({
      FUSION_MODE: 'distributed',
      KAFKA_BROKERS: 'kafka:9092',
      FUSION_BACKENDS_FILE: '/etc/fusion/backends/backends.json',
      FUSION_ROUTING_GRPC_TARGET: 'ff-fusionfactory-routing:50053',
    });
    expect(cm.data).not.toHaveProperty('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(find(objs, 'Secret', 'ff-fusionfactory-database').stringData).toEqual({
      DATABASE_URL: 'postgres://fusion:pw@pg:5432/fusion',
    });
    expect(
      JSON.parse(find(objs, 'ConfigMap', 'ff-fusionfactory-backends').data?.['backends.json'] ?? ''),
    ).toEqual([]);
  });

  it('autoscales routing only, and gives every service a PodDisruptionBudget', () => {
    const hpas = objs.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name)).toEqual(['ff-fusionfactory-routing']);
    expect(hpas[0]?.spec.minReplicas).toBe(2);
    expect(find(objs, 'Deployment', 'ff-fusionfactory-routing').spec).not.toHaveProperty('replicas');
    expect(find(objs, 'Deployment', 'ff-fusionfactory-thought').spec.replicas).toBe(1);
    expect(objs.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(5);
  });

  it('keeps distillation on the local runner: no Kubernetes API access, datasets on an emptyDir', () => {
    const pod = find(objs, 'Deployment', 'ff-fusionfactory-distillation').spec.template.spec;
    expect(pod.serviceAccountName).toBe('ff-fusionfactory');
    expect(pod).not.toHaveProperty('automountServiceAccountToken');
    const env = envOf(objs, 'distillation');
    expect(env).toMatchObject({
      DISTILLATION_JOB_RUNNER: 'local',
      DISTILLATION_DATASET_DIR: '/var/lib/fusion/datasets',
    });
    expect(env).not.toHaveProperty('NODE_EXTRA_CA_CERTS');
    expect(env).not.toHaveProperty('DISTILLATION_DATASET_PVC');
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: 'datasets',
      mountPath: '/var/lib/fusion/datasets',
    });
    expect(pod.volumes).toContainEqual({ name: 'datasets', emptyDir: {} });
    expect(objs.some((o) => ['Role', 'RoleBinding', 'PersistentVolumeClaim'].includes(o.kind))).toBe(false);
  });

  it('gives routing the thought service address, and no optional LLM settings to anyone', () => {
    expect(envOf(objs, 'routing')['THOUGHT_SERVICE_ADDRESS']).toBe('ff-fusionfactory-thought:50054');
    const all = Object.keys(SERVICES).flatMap((s) => Object.keys(envOf(objs, s)));
    for (const v of [
      'JUDGE_BASE_URL',
      'JUDGE_API_KEY',
      'THOUGHT_SUMMARIZER_BASE_URL',
      'EMBEDDINGS_BASE_URL',
      'ROUTER_KINDS',
    ]) {
      expect(all).not.toContain(v);
    }
  });

  it('leaves the optional GPU and monitoring objects out, and has a helm test hook', () => {
    expect(objs.some((o) => o.kind === 'Job' || o.kind === 'ServiceMonitor')).toBe(false);
    expect(objs.some((o) => o.metadata.name.endsWith('-vllm'))).toBe(false);
    const testPod = find(objs, 'Pod', 'ff-fusionfactory-test-health');
    expect(testPod.metadata.annotations?.['helm.sh/hook']).toBe('test');
    const targets = JSON.parse(
      find(objs, 'ConfigMap', 'ff-fusionfactory-test-health').data?.['targets.json'] ?? '[]',
    );
    expect(targets).toHaveLength(5);
  });
});

describe('helm chart: required and invalid values', () => {
  it('fails without database.url, naming the value', () => {
    const res = runHelm(['template', 'ff', CHART, '--set', 'kafka.brokers=kafka:9092']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('database.url is required');
  });

  it('fails without kafka.brokers, naming the value', () => {
    const res = runHelm(['template', 'ff', CHART, '--set', 'database.url=postgres://u@h:5432/d']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('kafka.brokers is required');
  });

  it('accepts an existing Secret instead of database.url', () => {
    const objs = render(['--set', 'database.existingSecret=pg-creds', '--set', 'kafka.brokers=kafka:9092']);
    expect(objs.some((o) => o.kind === 'Secret')).toBe(false);
    const c = find(objs, 'Deployment', 'ff-fusionfactory-ingestion').spec.template.spec.containers[0];
    const db = c.env.find((e: { name: string }) => e.name === 'DATABASE_URL');
    expect(db.valueFrom.secretKeyRef).toEqual({ name: 'pg-creds', key: 'DATABASE_URL' });
  });

  it('rejects values the schema forbids, naming the field', () => {
    const badUrl = runHelm([
      'template',
      'ff',
      CHART,
      '--set',
      'database.url=mysql://x',
      '--set',
      'kafka.brokers=k:9092',
    ]);
    expect(badUrl.code).not.toBe(0);
    expect(badUrl.stderr).toContain('/database/url');
    const badPort = runHelm(['template', 'ff', CHART, ...REQUIRED, '--set', 'services.routing.grpcPort=abc']);
    expect(badPort.stderr).toContain('/services/routing/grpcPort');
    const unknown = runHelm(['template', 'ff', CHART, ...REQUIRED, '--set', 'services.billing.grpcPort=1']);
    expect(unknown.code).not.toBe(0);
  });

  it('requires a trainer image when the trainer is enabled', () => {
    const res = runHelm(['template', 'ff', CHART, ...REQUIRED, '--set', 'trainer.enabled=true']);
    expect(res.stderr).toContain('trainer.image.repository is required');
  });

  it('checks backends with the routing loader’s fields, naming the bad one', () => {
    const backend = (extra: string): ReturnType<typeof runHelm> =>
      runHelm([
        'template',
        'ff',
        CHART,
        ...REQUIRED,
        '--set-json',
        `backends.items=[{"name":"a","endpoint":"http://a/v1","model":"m"${extra}}]`,
      ]);
    expect(
      backend(',"apiKeyEnv":"A_KEY","kind":"vllm","timeoutMs":5000,"description":"d","descriptors":{"x":1}')
        .code,
    ).toBe(0);
    const unknown = backend(',"apiKey":"sk-plain"');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('/backends/items/0');
    expect(unknown.stderr).toContain('apiKey');
    expect(backend(',"prices":{"inputPerMillionTokens":1}').stderr).toContain('/backends/items/0/prices');
    expect(backend(',"timeoutMs":0').stderr).toContain('/backends/items/0/timeoutMs');
    const badUrl = runHelm([
      'template',
      'ff',
      CHART,
      ...REQUIRED,
      '--set-json',
      'backends.items=[{"name":"a","endpoint":"a:80","model":"m"}]',
    ]);
    expect(badUrl.stderr).toContain('/backends/items/0/endpoint');
  });

  it('refuses a backend name used twice, as the routing loader would', () => {
    const res = runHelm([
      'template',
      'ff',
      CHART,
      ...REQUIRED,
      '--set-json',
      'backends.items=[{"name":"a","endpoint":"http://a/v1","model":"m"},{"name":"a","endpoint":"http://b/v1","model":"n"}]',
    ]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("the backend name 'a' is used twice");
  });

  it('refuses settings the services only accept together, naming the missing one', () => {
    const judge = runHelm([
      'template',
      'ff',
      CHART,
      ...REQUIRED,
      '--set',
      'evaluation.judge.baseUrl=http://judge:8000',
    ]);
    expect(judge.code).not.toBe(0);
    expect(judge.stderr).toContain(
      'evaluation.judge: set baseUrl, model together or not at all (baseUrl set, model missing)',
    );
    const emb = runHelm([
      'template',
      'ff',
      CHART,
      ...REQUIRED,
      '--set',
      'routing.embeddings.model=bge',
      '--set',
      'routing.embeddings.dimension=384',
    ]);
    expect(emb.stderr).toContain('routing.embeddings: set baseUrl, model, dimension together or not at all');
    const kinds = runHelm([
      'template',
      'ff',
      CHART,
      ...REQUIRED,
      '--set',
      'routing.router.kinds={knn,forest}',
    ]);
    expect(kinds.stderr).toContain('/routing/router/kinds/1');
    const runner = runHelm(['template', 'ff', CHART, ...REQUIRED, '--set', 'distillation.jobRunner=slurm']);
    expect(runner.stderr).toContain('/distillation/jobRunner');
  });

  it('needs a ServiceAccount for the kubernetes job runner when the chart creates none', () => {
    const args = [
      ...REQUIRED,
      '--set',
      'distillation.jobRunner=kubernetes',
      '--set',
      'distillation.kubernetes.rbac.create=false',
    ];
    expect(runHelm(['template', 'ff', CHART, ...args]).stderr).toContain(
      'distillation.kubernetes.serviceAccountName is required',
    );
    const objs = render([
      ...args,
      '--set',
      'distillation.kubernetes.serviceAccountName=trainer-submitter',
      '--set',
      'distillation.datasets.existingClaim=datasets',
    ]);
    expect(objs.some((o) => ['Role', 'RoleBinding', 'PersistentVolumeClaim'].includes(o.kind))).toBe(false);
    const pod = find(objs, 'Deployment', 'ff-fusionfactory-distillation').spec.template.spec;
    expect(pod.serviceAccountName).toBe('trainer-submitter');
    expect(pod.volumes).toContainEqual({
      name: 'datasets',
      persistentVolumeClaim: { claimName: 'datasets' },
    });
    expect(envOf(objs, 'distillation')['DISTILLATION_DATASET_PVC']).toBe('datasets');
  });
});

describe('helm chart: every service starts with the environment the chart gives it', () => {
  it.each([
    ['default values', REQUIRED],
    ['ci/gpu-values.yaml', ['-f', resolve(CHART, 'ci/gpu-values.yaml')]],
  ])('%s: each Deployment’s env passes its service’s own config validation', (_label, args) => {
    const objs = render(args);
    for (const service of Object.keys(SERVICES) as (keyof typeof SERVICES)[]) {
      expect(() => startUpConfig(objs, service), service).not.toThrow();
    }
    // The backends file is one the routing service loads.
    const backends = JSON.parse(
      find(objs, 'ConfigMap', 'ff-fusionfactory-backends').data?.['backends.json'] ?? '',
    );
    expect(() => parseBackendEntries(backends)).not.toThrow();
  });

  it('turns the GPU values’ settings into the options the services run with', () => {
    const objs = render(['-f', resolve(CHART, 'ci/gpu-values.yaml')]);
    const routing = startUpConfig(objs, 'routing').options;
    expect(routing).toMatchObject({
      autoTrainEvery: 500,
      kinds: ['knn', 'mlp', 'graph'],
      gateScenario: 'cost_first',
      gateMinImprovement: 0.01,
      attemptTimeoutMs: 60_000,
      healthProbeMs: 30_000,
      embeddings: {
        baseUrl: 'http://embeddings.llm.svc:8080/v1',
        model: 'BAAI/bge-small-en-v1.5',
        dimension: 384,
        apiKey: 'secret-EMBEDDINGS_API_KEY',
      },
      thoughtServiceAddress: 'ff-fusionfactory-thought:50054',
    });
    expect(startUpConfig(objs, 'evaluation').options).toMatchObject({
      judge: {
        baseUrl: 'http://judge.llm.svc:8000',
        model: 'Qwen/Qwen2.5-7B-Instruct',
        apiKey: 'secret-JUDGE_API_KEY',
        concurrency: 16,
      },
      sandbox: { enabled: false },
    });
    expect(startUpConfig(objs, 'thought').options).toMatchObject({
      summarizer: { baseUrl: 'http://summarizer.llm.svc:8000/v1', model: 'meta-llama/Llama-3.1-8B-Instruct' },
      summarizerConcurrency: 8,
      defaultQueriesPerTask: 50,
    });
    const parsedBackends = parseBackendEntries(
      JSON.parse(find(objs, 'ConfigMap', 'ff-fusionfactory-backends').data?.['backends.json'] ?? ''),
    );
    expect(parsedBackends.map((b) => [b.name, b.kind, b.apiKeyEnv, b.timeoutMs])).toEqual([
      ['gpt-4o-mini', 'api', 'OPENAI_API_KEY', 60_000],
      ['vllm-ff', 'vllm', undefined, undefined],
    ]);
  });
});

describe('helm chart: GPU, monitoring and tracing switched on', () => {
  let objs: K8sObject[] = [];
  beforeAll(() => {
    objs = render(['-f', resolve(CHART, 'ci/gpu-values.yaml')]);
  });

  it('runs the distillation trainer Job on the GPU pool', () => {
    const job = objs.find((o) => o.kind === 'Job');
    expect(job?.metadata.name).toBe('ff-fusionfactory-trainer-1');
    const pod = job?.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(pod.tolerations).toContainEqual({
      key: 'nvidia.com/gpu',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(pod.containers[0].image).toBe('registry.example.com/fusion-trainer:0.1.0');
    expect(pod.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'distillation-data' },
    });
  });

  it('lets the distillation service create trainer Jobs: own ServiceAccount, a Role on jobs.batch, dataset PVC, cluster CA', () => {
    const sa = find(objs, 'ServiceAccount', 'ff-fusionfactory-distillation');
    expect(sa.metadata.labels?.['app.kubernetes.io/component']).toBe('distillation');
    expect(find(objs, 'Role', 'ff-fusionfactory-distillation-jobs')).toMatchObject({
      rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list'] }],
    });
    expect(find(objs, 'RoleBinding', 'ff-fusionfactory-distillation-jobs')).toMatchObject({
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'ff-fusionfactory-distillation-jobs',
      },
      subjects: [{ kind: 'ServiceAccount', name: 'ff-fusionfactory-distillation', namespace: 'fusion' }],
    });
    const pvc = find(objs, 'PersistentVolumeClaim', 'ff-fusionfactory-distillation-datasets');
    expect(pvc.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect(pvc.spec).toEqual({
      accessModes: ['ReadWriteMany'],
      storageClassName: 'nfs-client',
      resources: { requests: { storage: '100Gi' } },
    });

    const pod = find(objs, 'Deployment', 'ff-fusionfactory-distillation').spec.template.spec;
    expect(pod.serviceAccountName).toBe('ff-fusionfactory-distillation');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.volumes).toContainEqual({
      name: 'datasets',
      persistentVolumeClaim: { claimName: 'ff-fusionfactory-distillation-datasets' },
    });
    const env = envOf(objs, 'distillation');
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: 'datasets',
      mountPath: env['DISTILLATION_DATASET_DIR'],
    });
    expect(env).toMatchObject({
      DISTILLATION_JOB_RUNNER: 'kubernetes',
      DISTILLATION_DATASET_PVC: 'ff-fusionfactory-distillation-datasets',
      DISTILLATION_K8S_NAMESPACE: 'fusion',
      DISTILLATION_K8S_NODE_SELECTOR: 'nvidia.com/gpu.present=true',
      DISTILLATION_TRAINER_IMAGE: 'hiyouga/llamafactory:0.9.3',
      DISTILLATION_TRAINER_GPUS: '2',
      DISTILLATION_HF_TOKEN_SECRET: 'hf-token',
      NODE_EXTRA_CA_CERTS: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    });
    expect(JSON.parse(String(env['DISTILLATION_K8S_TOLERATIONS']))).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    // The other services keep the token-less shared account.
    expect(find(objs, 'Deployment', 'ff-fusionfactory-routing').spec.template.spec.serviceAccountName).toBe(
      'ff-fusionfactory',
    );
    // What the service builds its trainer Jobs from.
    const { options } = startUpConfig(objs, 'distillation');
    expect(options).toMatchObject({
      runner: 'kubernetes',
      datasetDir: '/var/lib/fusion/datasets',
      cluster: {
        namespace: 'fusion',
        image: 'hiyouga/llamafactory:0.9.3',
        gpus: 2,
        nodeSelector: { 'nvidia.com/gpu.present': 'true' },
        datasetPvc: 'ff-fusionfactory-distillation-datasets',
        dataMountPath: '/data',
        hfTokenSecret: 'hf-token',
      },
      kubernetes: { apiUrl: null },
    });
  });

  it('deploys vLLM on GPU nodes and registers it as a backend', () => {
    const vllm = find(objs, 'Deployment', 'ff-fusionfactory-vllm').spec.template.spec;
    expect(vllm.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(vllm.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(vllm.containers[0].args.slice(0, 2)).toEqual(['--model', 'Qwen/Qwen2.5-7B-Instruct']);
    expect(find(objs, 'Service', 'ff-fusionfactory-vllm').spec.ports[0].port).toBe(8000);
    const backends = JSON.parse(
      find(objs, 'ConfigMap', 'ff-fusionfactory-backends').data?.['backends.json'] ?? '[]',
    );
    expect(backends.map((b: { name: string; endpoint: string }) => [b.name, b.endpoint])).toEqual([
      ['gpt-4o-mini', 'https://api.openai.com/v1'],
      ['vllm-ff', 'http://ff-fusionfactory-vllm:8000/v1'],
    ]);
  });

  it('scrapes /metrics with a ServiceMonitor and exports traces over OTLP', () => {
    const sm = find(objs, 'ServiceMonitor', 'ff-fusionfactory');
    expect(sm.metadata.labels?.['release']).toBe('kube-prometheus-stack');
    expect(sm.spec.endpoints).toEqual([
      { port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
    ]);
    expect(find(objs, 'ConfigMap', 'ff-fusionfactory-env').data?.['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe(
      'http://jaeger-collector:4318',
    );
    const c = find(objs, 'Deployment', 'ff-fusionfactory-routing').spec.template.spec.containers[0];
    expect(c.envFrom).toContainEqual({ secretRef: { name: 'llm-api-keys' } });
  });
});

describe('helm lint', () => {
  it.each(['ci/default-values.yaml', 'ci/gpu-values.yaml'])('passes --strict with %s', (values) => {
    const res = runHelm(['lint', CHART, '--strict', '-f', resolve(CHART, values)]);
    expect(res.stdout + res.stderr).toContain('0 chart(s) failed');
    expect(res.code).toBe(0);
  });
});
