import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

// Renders helm/fusionfactory with the real helm binary and checks the objects it produces.
// helm comes from PATH, $HELM_BIN or the cache that `scripts/infra/helm.sh install` fills (.ci/run does).

const REPO_ROOT = resolve(__dirname, '../..');
const CHART = resolve(REPO_ROOT, 'helm/fusionfactory');
const REQUIRED = ['--set', 'database.url=postgres://fusion:pw@pg:5432/fusion', '--set', 'kafka.brokers=kafka:9092'];

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

function find(objs: K8sObject[], kind: string, name: string): K8sObject {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in: ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
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
    expect(objs.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort()).toEqual(
      Object.keys(SERVICES).map((s) => `ff-fusionfactory-${s}`).sort(),
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
      const env = Object.fromEntries(c.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]));
      expect(env).toMatchObject({ FUSION_SERVICE: name, GRPC_PORT: String(ports.grpc), HTTP_PORT: String(ports.http) });
      expect(env['DATABASE_URL']).toEqual({ secretKeyRef: { name: 'ff-fusionfactory-database', key: 'DATABASE_URL' } });
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'ff-fusionfactory-env' } }]);
      expect(c.readinessProbe.grpc).toEqual({ port: ports.grpc });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.ports).toEqual([
        { name: 'grpc', containerPort: ports.grpc, protocol: 'TCP' },
        { name: 'http', containerPort: ports.http, protocol: 'TCP' },
      ]);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(c.volumeMounts).toContainEqual({ name: 'backends', mountPath: '/etc/fusion/backends', readOnly: true });
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
    expect(JSON.parse(find(objs, 'ConfigMap', 'ff-fusionfactory-backends').data?.['backends.json'] ?? '')).toEqual([]);
  });

  it('autoscales routing only, and gives every service a PodDisruptionBudget', () => {
    const hpas = objs.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name)).toEqual(['ff-fusionfactory-routing']);
    expect(hpas[0]?.spec.minReplicas).toBe(2);
    expect(find(objs, 'Deployment', 'ff-fusionfactory-routing').spec).not.toHaveProperty('replicas');
    expect(find(objs, 'Deployment', 'ff-fusionfactory-thought').spec.replicas).toBe(1);
    expect(objs.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(5);
  });

  it('leaves the optional GPU and monitoring objects out, and has a helm test hook', () => {
    expect(objs.some((o) => o.kind === 'Job' || o.kind === 'ServiceMonitor')).toBe(false);
    expect(objs.some((o) => o.metadata.name.endsWith('-vllm'))).toBe(false);
    const testPod = find(objs, 'Pod', 'ff-fusionfactory-test-health');
    expect(testPod.metadata.annotations?.['helm.sh/hook']).toBe('test');
    const targets = JSON.parse(find(objs, 'ConfigMap', 'ff-fusionfactory-test-health').data?.['targets.json'] ?? '[]');
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
    const badUrl = runHelm(['template', 'ff', CHART, '--set', 'database.url=mysql://x', '--set', 'kafka.brokers=k:9092']);
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
    expect(pod.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(pod.containers[0].image).toBe('registry.example.com/fusion-trainer:0.1.0');
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'distillation-data' } });
  });

  it('deploys vLLM on GPU nodes and registers it as a backend', () => {
    const vllm = find(objs, 'Deployment', 'ff-fusionfactory-vllm').spec.template.spec;
    expect(vllm.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(vllm.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(vllm.containers[0].args.slice(0, 2)).toEqual(['--model', 'Qwen/Qwen2.5-7B-Instruct']);
    expect(find(objs, 'Service', 'ff-fusionfactory-vllm').spec.ports[0].port).toBe(8000);
    const backends = JSON.parse(find(objs, 'ConfigMap', 'ff-fusionfactory-backends').data?.['backends.json'] ?? '[]');
    expect(backends.map((b: { name: string; endpoint: string }) => [b.name, b.endpoint])).toEqual([
      ['gpt-4o-mini', 'https://api.openai.com/v1'],
      ['vllm-ff', 'http://ff-fusionfactory-vllm:8000/v1'],
    ]);
  });

  it('scrapes /metrics with a ServiceMonitor and exports traces over OTLP', () => {
    const sm = find(objs, 'ServiceMonitor', 'ff-fusionfactory');
    expect(sm.metadata.labels?.['release']).toBe('kube-prometheus-stack');
    expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    expect(find(objs, 'ConfigMap', 'ff-fusionfactory-env').data?.['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('http://jaeger-collector:4318');
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
