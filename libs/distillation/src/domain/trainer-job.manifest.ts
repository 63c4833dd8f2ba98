/** A Kubernetes toleration (core/v1). */
export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

/** Where and how trainer pods run on the cluster (from the service's config). */
export interface TrainerClusterSettings {
  namespace: string;
  image: string;
  gpus: number;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  /** PersistentVolumeClaim holding the datasets (and receiving the adapters). */
  datasetPvc: string;
  /** Where the trainer container mounts that claim. */
  dataMountPath: string;
  /** Secret with an `HF_TOKEN` key, for gated base models; none when null. */
  hfTokenSecret: string | null;
  /** Finished Jobs are deleted after this long. */
  ttlSecondsAfterFinished: number;
}

export interface TrainerJobInput {
  /** DNS-1123 Job name. */
  name: string;
  tenant: string;
  jobId: string;
  datasetId: string;
  studentName: string;
  trainerConfigYaml: string;
  cluster: TrainerClusterSettings;
}

/** Path the trainer container writes its config to before starting. */
export const TRAINER_CONFIG_PATH = '/tmp/fusion-trainer.yaml';

/** A DNS-1123 label value: lower-case alphanumerics and '-', at most 63 characters. */
export function kubernetesName(raw: string): string {
  const s = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return s === '' ? 'fusion' : s;
}

/** Label values allow [A-Za-z0-9_.-], at most 63, alphanumeric at both ends. */
function labelValue(raw: string): string {
  return raw
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/**
 * The batch/v1 Job that runs `llamafactory-cli train` on one GPU node. The trainer config travels in an
 * environment variable (written to a file by the container's shell), so one API call creates everything;
 * the dataset comes from the PVC the distillation service writes to.
 */
export function renderTrainerJobManifest(input: TrainerJobInput): Record<string, unknown> {
  const c = input.cluster;
  const labels = {
    'app.kubernetes.io/name': 'fusion-distillation-trainer',
    'app.kubernetes.io/managed-by': 'fusionfactory',
    'fusionfactory.io/tenant': labelValue(input.tenant),
    'fusionfactory.io/job-id': labelValue(input.jobId),
    'fusionfactory.io/dataset-id': labelValue(input.datasetId),
  };
  const gpu = { 'nvidia.com/gpu': String(c.gpus) };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: input.name,
      namespace: c.namespace,
      labels,
      annotations: { 'fusionfactory.io/student-name': input.studentName },
    },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: c.ttlSecondsAfterFinished,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...(Object.keys(c.nodeSelector).length > 0 ? { nodeSelector: c.nodeSelector } : {}),
          ...(c.tolerations.length > 0 ? { tolerations: c.tolerations } : {}),
          containers: [
            {
              name: 'trainer',
              image: c.image,
              command: ['/bin/sh', '-c'],
              args: [
                `printf '%s' "$TRAINER_CONFIG" > ${TRAINER_CONFIG_PATH} && exec llamafactory-cli train ${TRAINER_CONFIG_PATH}`,
              ],
              env: [
                { name: 'TRAINER_CONFIG', value: input.trainerConfigYaml },
                ...(c.hfTokenSecret
                  ? [
                      {
                        name: 'HF_TOKEN',
                        valueFrom: { secretKeyRef: { name: c.hfTokenSecret, key: 'HF_TOKEN' } },
                      },
                    ]
                  : []),
              ],
              resources: { requests: gpu, limits: gpu },
              volumeMounts: [{ name: 'datasets', mountPath: c.dataMountPath }],
            },
          ],
          volumes: [{ name: 'datasets', persistentVolumeClaim: { claimName: c.datasetPvc } }],
        },
      },
    },
  };
}
