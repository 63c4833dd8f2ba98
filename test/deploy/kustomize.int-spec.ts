import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Builds k8s/overlays/* (and the GPU components) with the real kustomize and checks the objects.
// kustomize comes from PATH, $KUSTOMIZE_BIN or the cache that `scripts/infra/kustomize.sh install` fills.

const REPO_ROOT = resolve(__dirname, '../..');
const SERVICES = ['ingestion', 'evaluation', 'routing', 'thought', 'distillation'];

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
}

let kustomize = '';

function build(dir: string): K8sObject[] {
  const res = spawnSync(kustomize, ['build', dir], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`kustomize build ${dir} failed: ${res.stderr}`);
  return parseAllDocuments(res.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function byKind(objs: K8sObject[], kind: string): K8sObject[] {
  return objs.filter((o) => o.kind === kind);
}

function deployment(objs: K8sObject[], name: string): K8sObject {
  const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  if (!d) throw new Error(`no Deployment ${name}`);
  return d;
}

beforeAll(() => {
  const res = spawnSync('bash', [resolve(REPO_ROOT, 'scripts/infra/kustomize.sh'), 'path'], {
    encoding: 'utf8',
  });
  if (res.status !== 0 || !res.stdout.trim()) {
    throw new Error(
      `kustomize is needed for the k8s overlay tests and was not found (${res.stderr.trim()}). ` +
        'Install it with `scripts/infra/kustomize.sh install` (builds it with Go, ~30 s once), or set KUSTOMIZE_BIN.',
    );
  }
  kustomize = res.stdout.trim();
});

describe('k8s/overlays/dev', () => {
  it('runs every service once next to in-cluster PostgreSQL, Kafka and Jaeger', () => {
    const objs = build('k8s/overlays/dev');
    expect(objs.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'fusion-dev')).toBe(true);
    for (const s of SERVICES) {
      const d = deployment(objs, `fusion-${s}`);
      expect(d.spec.replicas).toBe(1);
      expect(d.spec.template.spec.containers[0].image).toBe('fusionfactory:dev');
      expect(d.spec.template.spec.containers[0].args).toEqual([
        'node',
        '-r',
        '@swc-node/register',
        `apps/${s}/src/main.ts`,
      ]);
    }
    expect(byKind(objs, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(
      byKind(objs, 'StatefulSet')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['kafka', 'postgres']);
    const env = byKind(objs, 'ConfigMap').find((o) => o.metadata.name.startsWith('fusion-env-'));
    expect(env?.data).toMatchObject({
      FUSION_MODE: 'distributed',
      KAFKA_BROKERS: 'kafka:9092',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
      THOUGHT_SERVICE_ADDRESS: 'fusion-thought:50054',
    });
    // Generated (hashed) names are wired into the pods.
    const c = deployment(objs, 'fusion-routing').spec.template.spec.containers[0];
    expect(c.envFrom[0].configMapRef.name).toBe(env?.metadata.name);
    const db = c.env.find((e: { name: string }) => e.name === 'DATABASE_URL');
    expect(db.valueFrom.secretKeyRef.name).toMatch(/^fusion-database-[a-z0-9]+$/);
  });
});

describe('k8s/overlays/prod', () => {
  it('scales out, autoscales routing and expects an external DATABASE_URL Secret', () => {
    const objs = build('k8s/overlays/prod');
    expect(objs.every((o) => o.metadata.namespace === 'fusion')).toBe(true);
    expect(byKind(objs, 'Secret')).toHaveLength(0);
    expect(byKind(objs, 'StatefulSet')).toHaveLength(0);
    for (const s of ['ingestion', 'evaluation', 'thought', 'distillation']) {
      expect(deployment(objs, `fusion-${s}`).spec.replicas).toBe(2);
    }
    const routing = deployment(objs, 'fusion-routing');
    expect(routing.spec).not.toHaveProperty('replicas');
    expect(routing.spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    const hpa = byKind(objs, 'HorizontalPodAutoscaler')[0];
    expect(hpa?.spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 20,
      scaleTargetRef: { name: 'fusion-routing' },
    });
    expect(byKind(objs, 'PodDisruptionBudget')).toHaveLength(5);
    const db = routing.spec.template.spec.containers[0].env.find(
      (e: { name: string }) => e.name === 'DATABASE_URL',
    );
    expect(db.valueFrom.secretKeyRef).toEqual({ name: 'fusion-database', key: 'DATABASE_URL' });
    for (const s of SERVICES) {
      const c = deployment(objs, `fusion-${s}`).spec.template.spec.containers[0];
      const grpcPort = c.ports.find((p: { name: string }) => p.name === 'grpc').containerPort;
      expect(c.readinessProbe.grpc.port).toBe(grpcPort);
      expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    }
  });
});

describe('k8s/components (GPU)', () => {
  // Inside the repo: kustomize only loads bases by relative path from the kustomization.
  const scratches: string[] = [];
  afterAll(() => {
    for (const dir of scratches) rmSync(dir, { recursive: true, force: true });
  });

  /** Builds k8s/base with the given components in namespace gpu-test. */
  function buildWithComponents(components: string[]): K8sObject[] {
    mkdirSync(join(REPO_ROOT, 'tmp'), { recursive: true });
    const scratch = mkdtempSync(join(REPO_ROOT, 'tmp', 'kustomize-spec-'));
    scratches.push(scratch);
    const rel = (p: string): string => relative(scratch, resolve(REPO_ROOT, p));
    writeFileSync(
      join(scratch, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: gpu-test',
        `resources: [${rel('k8s/base')}]`,
        `components: [${components.map(rel).join(', ')}]`,
        '',
      ].join('\n'),
    );
    return build(scratch);
  }

  it('adds the trainer Job and vLLM to a base, on the GPU node pool', () => {
    const objs = buildWithComponents(['k8s/components/gpu-trainer', 'k8s/components/vllm']);
    const job = byKind(objs, 'Job')[0];
    const pod = job?.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(pod.containers[0].envFrom[0].configMapRef.name).toMatch(/^fusion-env-[a-z0-9]+$/);
    const vllm = deployment(objs, 'vllm').spec.template.spec;
    expect(vllm.tolerations).toContainEqual({
      key: 'nvidia.com/gpu',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
    expect(vllm.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
  });

  it('lets the distillation service create trainer Jobs: ServiceAccount, Role on jobs.batch, dataset PVC, cluster CA', () => {
    const objs = buildWithComponents(['k8s/components/distillation-jobs']);
    const find = (kind: string, name: string): K8sObject & Record<string, any> => {
      // eslint-disable-line @typescript-eslint/no-explicit-any
      const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
      if (!o) throw new Error(`no ${kind} ${name}`);
      return o;
    };
    expect(find('Role', 'fusion-distillation-jobs')['rules']).toEqual([
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list'] },
    ]);
    expect(find('RoleBinding', 'fusion-distillation-jobs')['subjects']).toEqual([
      { kind: 'ServiceAccount', name: 'fusion-distillation', namespace: 'gpu-test' },
    ]);
    expect(find('PersistentVolumeClaim', 'fusion-distillation-datasets').spec.accessModes).toEqual([
      'ReadWriteMany',
    ]);
    const pod = deployment(objs, 'fusion-distillation').spec.template.spec;
    expect(pod.serviceAccountName).toBe('fusion-distillation');
    expect(pod.automountServiceAccountToken).toBe(true);
    // The base's emptyDir is replaced by the claim, not merged with it.
    expect(pod.volumes.find((v: { name: string }) => v.name === 'datasets')).toEqual({
      name: 'datasets',
      persistentVolumeClaim: { claimName: 'fusion-distillation-datasets' },
    });
    const c = pod.containers[0];
    expect(c.volumeMounts).toContainEqual({ name: 'datasets', mountPath: '/var/lib/fusion/datasets' });
    const env = Object.fromEntries(
      c.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [
        e.name,
        e.value ?? e.valueFrom,
      ]),
    );
    expect(env).toMatchObject({
      DISTILLATION_JOB_RUNNER: 'kubernetes',
      DISTILLATION_DATASET_DIR: '/var/lib/fusion/datasets',
      DISTILLATION_DATASET_PVC: 'fusion-distillation-datasets',
      DISTILLATION_K8S_NAMESPACE: { fieldRef: { fieldPath: 'metadata.namespace' } },
      NODE_EXTRA_CA_CERTS: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    });
    // The other services keep the shared account without a token.
    expect(deployment(objs, 'fusion-routing').spec.template.spec.serviceAccountName).toBe('fusion');
  });
});
