import { ConfigError, z } from '@fusion/shared/config';
import {
  DEFAULT_BASE_MODEL,
  DEFAULT_LORA_HYPERPARAMETERS,
  DEFAULT_SFT_TOP_K,
  inClusterApiUrl,
  SERVICE_ACCOUNT_TOKEN_FILE,
  type DistillationOptions,
  type Toleration,
} from '@fusion/distillation';

const positiveInt = (fallback: number) =>
  z.coerce
    .number({ message: 'expected a number' })
    .int('expected an integer')
    .positive('expected > 0')
    .default(fallback);

const nodeSelector = z.string().transform((s, ctx) => {
  const out: Record<string, string> = {};
  for (const pair of s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected comma-separated key=value pairs, '${pair}' has no key=value`,
      });
      return z.NEVER;
    }
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
});

const tolerationSchema = z
  .object({
    key: z.string().optional(),
    operator: z.enum(['Exists', 'Equal']).optional(),
    value: z.string().optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
    tolerationSeconds: z.number().int().optional(),
  })
  .strict();

const tolerations = z.string().transform((s, ctx): Toleration[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message:
        'expected a JSON array of tolerations, e.g. [{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]',
    });
    return z.NEVER;
  }
  const checked = z.array(tolerationSchema).safeParse(parsed);
  if (!checked.success) {
    ctx.addIssue({
      code: 'custom',
      message: `not a list of Kubernetes tolerations: ${checked.error.issues[0]?.message ?? 'invalid'}`,
    });
    return z.NEVER;
  }
  return checked.data as Toleration[];
});

/**
 * The distillation service's own variables (the shared ones come from @fusion/shared/config).
 *
 * Datasets
 * - DISTILLATION_DATASET_DIR: root of every dataset file (default `out/datasets`); requests can only write inside it.
 *   With the kubernetes runner it must be the mount of DISTILLATION_DATASET_PVC in this service's pod.
 * - DISTILLATION_TOP_K: responses per query when a request says 0 (default 5, paper §5).
 *
 * Trainer jobs (LoRA SFT with LLaMA-Factory: rank 8, lr 1e-4, 3 epochs, cosine, warm-up 0.1, cutoff 2048)
 * - DISTILLATION_JOB_RUNNER: `local` (default; writes the Job manifest next to the dataset, status
 *   `awaiting_cluster`) or `kubernetes` (creates the Job through the Kubernetes API).
 * - DISTILLATION_BASE_MODEL: model fine-tuned when a request names none (default meta-llama/Llama-3.1-8B-Instruct).
 * - DISTILLATION_TRAINER_IMAGE: container image with `llamafactory-cli` (default hiyouga/llamafactory:latest; pin a tag).
 * - DISTILLATION_TRAINER_GPUS: `nvidia.com/gpu` per Job (default 1).
 * - DISTILLATION_K8S_NAMESPACE: namespace of the Jobs (default `default`).
 * - DISTILLATION_K8S_NODE_SELECTOR: `key=value,...` for the trainer pods (e.g. `nvidia.com/gpu.present=true`).
 * - DISTILLATION_K8S_TOLERATIONS: JSON array of tolerations (e.g. `[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]`).
 * - DISTILLATION_DATASET_PVC: PersistentVolumeClaim holding the datasets (default `fusion-distillation-datasets`).
 * - DISTILLATION_TRAINER_DATA_MOUNT: where trainer pods mount it (default `/data`); adapters go to `<mount>/models/...`.
 * - DISTILLATION_HF_TOKEN_SECRET: Secret with an `HF_TOKEN` key, for gated base models such as Llama.
 * - DISTILLATION_JOB_TTL_SECONDS: finished Jobs are deleted after this long (default 7 days).
 * - DISTILLATION_K8S_API_URL: API server URL (default: in-cluster, from KUBERNETES_SERVICE_HOST/PORT).
 * - DISTILLATION_K8S_TOKEN_FILE: bearer token file (default the pod's service-account token). In-cluster TLS also
 *   needs `NODE_EXTRA_CA_CERTS=/var/run/secrets/kubernetes.io/serviceaccount/ca.crt` on the Deployment.
 * - DISTILLATION_K8S_TIMEOUT_MS: per-request timeout for the API (default 15000).
 */
export const distillationConfigShape = {
  DISTILLATION_DATASET_DIR: z.string().min(1).default('out/datasets'),
  DISTILLATION_TOP_K: positiveInt(DEFAULT_SFT_TOP_K),
  DISTILLATION_JOB_RUNNER: z
    .enum(['local', 'kubernetes'], { message: "expected 'local' or 'kubernetes'" })
    .default('local'),
  DISTILLATION_BASE_MODEL: z.string().min(1).default(DEFAULT_BASE_MODEL),
  DISTILLATION_TRAINER_IMAGE: z.string().min(1).default('hiyouga/llamafactory:latest'),
  DISTILLATION_TRAINER_GPUS: positiveInt(1),
  DISTILLATION_K8S_NAMESPACE: z
    .string()
    .regex(
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
      'expected a Kubernetes namespace name (lower-case letters, digits, -)',
    )
    .default('default'),
  DISTILLATION_K8S_NODE_SELECTOR: nodeSelector.optional(),
  DISTILLATION_K8S_TOLERATIONS: tolerations.optional(),
  DISTILLATION_DATASET_PVC: z.string().min(1).default('fusion-distillation-datasets'),
  DISTILLATION_TRAINER_DATA_MOUNT: z.string().startsWith('/', 'expected an absolute path').default('/data'),
  DISTILLATION_HF_TOKEN_SECRET: z.string().min(1).optional(),
  DISTILLATION_JOB_TTL_SECONDS: positiveInt(7 * 24 * 3600),
  DISTILLATION_K8S_API_URL: z
    .string()
    .regex(/^https?:\/\//, 'expected an http(s):// URL')
    .optional(),
  DISTILLATION_K8S_TOKEN_FILE: z.string().min(1).default(SERVICE_ACCOUNT_TOKEN_FILE),
  DISTILLATION_K8S_TIMEOUT_MS: positiveInt(15_000),
};

export interface DistillationConfig {
  DISTILLATION_DATASET_DIR: string;
  DISTILLATION_TOP_K: number;
  DISTILLATION_JOB_RUNNER: 'local' | 'kubernetes';
  DISTILLATION_BASE_MODEL: string;
  DISTILLATION_TRAINER_IMAGE: string;
  DISTILLATION_TRAINER_GPUS: number;
  DISTILLATION_K8S_NAMESPACE: string;
  DISTILLATION_K8S_NODE_SELECTOR?: Record<string, string> | undefined;
  DISTILLATION_K8S_TOLERATIONS?: Toleration[] | undefined;
  DISTILLATION_DATASET_PVC: string;
  DISTILLATION_TRAINER_DATA_MOUNT: string;
  DISTILLATION_HF_TOKEN_SECRET?: string | undefined;
  DISTILLATION_JOB_TTL_SECONDS: number;
  DISTILLATION_K8S_API_URL?: string | undefined;
  DISTILLATION_K8S_TOKEN_FILE: string;
  DISTILLATION_K8S_TIMEOUT_MS: number;
}

export function distillationOptionsFrom(
  cfg: DistillationConfig,
  env: NodeJS.ProcessEnv = process.env,
): Partial<DistillationOptions> {
  const apiUrl = cfg.DISTILLATION_K8S_API_URL ?? null;
  if (cfg.DISTILLATION_JOB_RUNNER === 'kubernetes' && !apiUrl && !inClusterApiUrl(env)) {
    throw new ConfigError([
      {
        variable: 'DISTILLATION_K8S_API_URL',
        problem:
          'required when DISTILLATION_JOB_RUNNER=kubernetes outside a cluster (KUBERNETES_SERVICE_HOST is not set)',
      },
    ]);
  }
  return {
    datasetDir: cfg.DISTILLATION_DATASET_DIR,
    defaultTopK: cfg.DISTILLATION_TOP_K,
    defaultBaseModel: cfg.DISTILLATION_BASE_MODEL,
    runner: cfg.DISTILLATION_JOB_RUNNER,
    cluster: {
      namespace: cfg.DISTILLATION_K8S_NAMESPACE,
      image: cfg.DISTILLATION_TRAINER_IMAGE,
      gpus: cfg.DISTILLATION_TRAINER_GPUS,
      nodeSelector: cfg.DISTILLATION_K8S_NODE_SELECTOR ?? {},
      tolerations: cfg.DISTILLATION_K8S_TOLERATIONS ?? [],
      datasetPvc: cfg.DISTILLATION_DATASET_PVC,
      dataMountPath: cfg.DISTILLATION_TRAINER_DATA_MOUNT,
      hfTokenSecret: cfg.DISTILLATION_HF_TOKEN_SECRET ?? null,
      ttlSecondsAfterFinished: cfg.DISTILLATION_JOB_TTL_SECONDS,
    },
    kubernetes: {
      apiUrl,
      tokenFile: cfg.DISTILLATION_K8S_TOKEN_FILE,
      timeoutMs: cfg.DISTILLATION_K8S_TIMEOUT_MS,
    },
    hyperparameters: { ...DEFAULT_LORA_HYPERPARAMETERS },
  };
}
