import { readFile } from 'node:fs/promises';
import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import type {
  TrainerJobOutcome,
  TrainerJobRunner,
  TrainerJobSpec,
} from '../../application/ports/trainer-job-runner.port';

/** Where a pod finds its service-account token. */
export const SERVICE_ACCOUNT_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface KubernetesJobRunnerOptions {
  /** API server root, e.g. `https://10.96.0.1:443`. */
  apiUrl: string;
  /** The bearer token; read per call because projected service-account tokens rotate. */
  token: () => Promise<string>;
  /** Per-request timeout (ms). Default 15 000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The in-cluster API server URL from `KUBERNETES_SERVICE_HOST`/`_PORT`, or null outside a cluster. */
export function inClusterApiUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const host = env['KUBERNETES_SERVICE_HOST'];
  if (!host) return null;
  const port = env['KUBERNETES_SERVICE_PORT'] || '443';
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Reads a token file (trimmed) on each call; a missing file is a clear FAILED_PRECONDITION. */
export function tokenFromFile(path: string): () => Promise<string> {
  return async () => {
    try {
      return (await readFile(path, 'utf8')).trim();
    } catch (err) {
      throw DomainError.failedPrecondition(
        `cannot read the Kubernetes service-account token at ${path} (DISTILLATION_K8S_TOKEN_FILE): ${(err as Error).message}`,
      );
    }
  };
}

function statusMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not a Status object
  }
  return body.slice(0, 300) || '(empty body)';
}

/**
 * Creates trainer Jobs through the Kubernetes API (`POST /apis/batch/v1/namespaces/<ns>/jobs`, bearer token)
 * with the global `fetch`. In-cluster TLS: the service account's CA must be trusted by Node, e.g. with
 * `NODE_EXTRA_CA_CERTS=/var/run/secrets/kubernetes.io/serviceaccount/ca.crt` on the Deployment.
 */
export class KubernetesJobRunner implements TrainerJobRunner {
  readonly kind = 'kubernetes' as const;
  private readonly apiUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: KubernetesJobRunnerOptions) {
    if (!/^https?:\/\//.test(opts.apiUrl))
      throw new RangeError(`apiUrl must be an http(s) URL, got '${opts.apiUrl}'`);
    this.apiUrl = opts.apiUrl.replace(/\/+$/, '');
    this.fetchImpl = opts.fetch ?? fetch;
  }

  async submit(spec: TrainerJobSpec): Promise<TrainerJobOutcome> {
    const url = `${this.apiUrl}/apis/batch/v1/namespaces/${encodeURIComponent(spec.namespace)}/jobs`;
    const token = await this.opts.token();
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(spec.manifest),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      throw DomainError.unavailable(
        `cannot reach the Kubernetes API at ${this.apiUrl} to create Job ${spec.namespace}/${spec.name}: ${cause}`,
      );
    }
    const body = await res.text();
    if (res.status === 200 || res.status === 201 || res.status === 202) {
      let uid: string | null = null;
      try {
        const created = JSON.parse(body) as { metadata?: { uid?: unknown } };
        uid = typeof created.metadata?.uid === 'string' ? created.metadata.uid : null;
      } catch {
        uid = null;
      }
      return {
        status: 'submitted',
        message: `created Kubernetes Job ${spec.namespace}/${spec.name}; follow it with \`kubectl -n ${spec.namespace} logs -f job/${spec.name}\``,
        manifestPath: null,
        kubernetes: { namespace: spec.namespace, name: spec.name, uid },
      };
    }
    const why = statusMessage(body);
    const what = `the Kubernetes API refused to create Job ${spec.namespace}/${spec.name} (HTTP ${res.status})`;
    if (res.status === 401 || res.status === 403) {
      throw DomainError.failedPrecondition(
        `${what}: ${why}; the distillation service account needs 'create' on jobs.batch in namespace ${spec.namespace}`,
      );
    }
    if (res.status === 409) throw new DomainError(ErrorCode.AlreadyExists, `${what}: ${why}`);
    if (res.status === 404)
      throw DomainError.failedPrecondition(
        `${what}: ${why}; does namespace ${spec.namespace} exist (DISTILLATION_K8S_NAMESPACE)?`,
      );
    if (res.status === 400 || res.status === 422) {
      throw DomainError.failedPrecondition(
        `${what}: the manifest was rejected: ${why}; check the DISTILLATION_K8S_* and DISTILLATION_TRAINER_* settings`,
      );
    }
    throw DomainError.unavailable(`${what}: ${why}`);
  }
}
