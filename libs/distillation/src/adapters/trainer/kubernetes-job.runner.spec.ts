import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@fusion/shared/kernel';
import { freePort } from '@fusion/shared/transport';
import { renderTrainerJobManifest } from '../../domain/trainer-job.manifest';
import { inClusterApiUrl, KubernetesJobRunner, tokenFromFile } from './kubernetes-job.runner';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * The only fake in the distillation specs: there is no Kubernetes API server here, so this real HTTP server
 * plays one (it records requests and answers like the API server's jobs endpoint).
 */
async function startFakeKubeApi(): Promise<{
  server: Server;
  url: string;
  seen: Seen[];
  answer: { status: number; body: unknown };
}> {
  const seen: Seen[] = [];
  const answer = { status: 201, body: {} as unknown };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : undefined;
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const reply =
        answer.status === 201
          ? { ...(body as object), metadata: { ...(body as { metadata: object }).metadata, uid: 'uid-123' } }
          : answer.body;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, answer };
}

const manifest = renderTrainerJobManifest({
  name: 'fusion-sft-abc',
  tenant: 'acme',
  jobId: 'job-abc',
  datasetId: 'ds-1',
  studentName: 'student',
  trainerConfigYaml: 'stage: sft\n',
  cluster: {
    namespace: 'ml-jobs',
    image: 'llamafactory:test',
    gpus: 1,
    nodeSelector: { pool: 'gpu' },
    tolerations: [],
    datasetPvc: 'datasets',
    dataMountPath: '/data',
    hfTokenSecret: null,
    ttlSecondsAfterFinished: 60,
  },
});
const spec = {
  tenant: 'acme',
  jobId: 'job-abc',
  manifest,
  namespace: 'ml-jobs',
  name: 'fusion-sft-abc',
  trainerConfigYaml: 'stage: sft\n',
  datasetHostDir: '/tmp/x',
};

describe('KubernetesJobRunner against an HTTP server playing the API server', () => {
  let api: Awaited<ReturnType<typeof startFakeKubeApi>>;
  let dir: string;
  let runner: KubernetesJobRunner;

  beforeAll(async () => {
    api = await startFakeKubeApi();
    dir = await mkdtemp(join(tmpdir(), 'kube-token-'));
    await writeFile(join(dir, 'token'), 'sa-token-1\n');
    runner = new KubernetesJobRunner({ apiUrl: `${api.url}/`, token: tokenFromFile(join(dir, 'token')) });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => api.server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    api.seen.length = 0;
    api.answer.status = 201;
  });

  it('POSTs the Job manifest to the namespace jobs endpoint with the service-account bearer token', async () => {
    const outcome = await runner.submit(spec);
    expect(api.seen).toHaveLength(1);
    const req = api.seen[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/apis/batch/v1/namespaces/ml-jobs/jobs');
    expect(req.headers.authorization).toBe('Bearer sa-token-1');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual(manifest);
    expect(outcome).toMatchObject({
      status: 'submitted',
      manifestPath: null,
      kubernetes: { namespace: 'ml-jobs', name: 'fusion-sft-abc', uid: 'uid-123' },
    });
    expect(outcome.message).toContain('kubectl -n ml-jobs logs -f job/fusion-sft-abc');
  });

  it('reads the token per call (rotated tokens are picked up)', async () => {
    await writeFile(join(dir, 'token'), 'sa-token-2');
    await runner.submit(spec);
    expect(api.seen[0]?.headers.authorization).toBe('Bearer sa-token-2');
  });

  it('maps refusals to clear errors: 403 names the RBAC rule, 409 is ALREADY_EXISTS, 422 blames the settings', async () => {
    api.answer.status = 403;
    api.answer.body = {
      kind: 'Status',
      message:
        'jobs.batch is forbidden: User "system:serviceaccount:ml:fusion" cannot create resource "jobs"',
      code: 403,
    };
    await expect(runner.submit(spec)).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: expect.stringMatching(
        /HTTP 403.*cannot create resource "jobs".*needs 'create' on jobs.batch in namespace ml-jobs/,
      ),
    });
    api.answer.status = 409;
    api.answer.body = { kind: 'Status', message: 'jobs.batch "fusion-sft-abc" already exists' };
    await expect(runner.submit(spec)).rejects.toMatchObject({ code: ErrorCode.AlreadyExists });
    api.answer.status = 422;
    api.answer.body = {
      kind: 'Status',
      message: 'Job.batch "x" is invalid: spec.template.spec.tolerations[0].operator: Unsupported value',
    };
    await expect(runner.submit(spec)).rejects.toThrow(
      /manifest was rejected: .*tolerations.*DISTILLATION_K8S_/,
    );
  });

  it('says UNAVAILABLE when the API server cannot be reached, and FAILED_PRECONDITION without a token file', async () => {
    const closed = new KubernetesJobRunner({
      apiUrl: `http://127.0.0.1:${await freePort()}`,
      token: async () => 't',
      timeoutMs: 2000,
    });
    await expect(closed.submit(spec)).rejects.toMatchObject({
      code: ErrorCode.Unavailable,
      message: expect.stringMatching(/cannot reach the Kubernetes API/),
    });
    const noToken = new KubernetesJobRunner({ apiUrl: api.url, token: tokenFromFile(join(dir, 'missing')) });
    await expect(noToken.submit(spec)).rejects.toThrow(/DISTILLATION_K8S_TOKEN_FILE/);
  });

  it('finds the in-cluster API URL from the service environment', () => {
    expect(inClusterApiUrl({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' })).toBe(
      'https://10.96.0.1:443',
    );
    expect(inClusterApiUrl({ KUBERNETES_SERVICE_HOST: 'fd00::1' })).toBe('https://[fd00::1]:443');
    expect(inClusterApiUrl({})).toBeNull();
  });
});
