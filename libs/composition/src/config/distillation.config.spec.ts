import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, z } from '@fusion/shared/config';
import {
  KubernetesJobRunner,
  LocalManifestJobRunner,
  resolveDistillationOptions,
  trainerJobRunnerFor,
} from '@fusion/distillation';
import { distillationConfigShape, distillationOptionsFrom } from './distillation.config';

const load = (env: Record<string, string>) => loadConfig(z.object(distillationConfigShape), env);

describe('distillation config', () => {
  it('defaults to the local runner, out/datasets, top 5 and Llama-3.1-8B-Instruct with no environment', () => {
    const opts = resolveDistillationOptions(distillationOptionsFrom(load({}), {}));
    expect(opts).toMatchObject({
      runner: 'local',
      datasetDir: 'out/datasets',
      defaultTopK: 5,
      defaultBaseModel: 'meta-llama/Llama-3.1-8B-Instruct',
    });
    expect(trainerJobRunnerFor(opts)).toBeInstanceOf(LocalManifestJobRunner);
  });

  it('reads the cluster settings: node selector pairs and JSON tolerations', () => {
    const cfg = load({
      DISTILLATION_JOB_RUNNER: 'kubernetes',
      DISTILLATION_K8S_API_URL: 'https://k8s.example:6443',
      DISTILLATION_K8S_NAMESPACE: 'ml',
      DISTILLATION_K8S_NODE_SELECTOR: 'pool=gpu, nvidia.com/gpu.present=true',
      DISTILLATION_K8S_TOLERATIONS: '[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]',
      DISTILLATION_TRAINER_GPUS: '2',
    });
    const opts = resolveDistillationOptions(distillationOptionsFrom(cfg, {}));
    expect(opts.cluster).toMatchObject({
      namespace: 'ml',
      gpus: 2,
      nodeSelector: { pool: 'gpu', 'nvidia.com/gpu.present': 'true' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect(trainerJobRunnerFor(opts)).toBeInstanceOf(KubernetesJobRunner);
  });

  it('names the bad variable', () => {
    expect(() => load({ DISTILLATION_JOB_RUNNER: 'slurm' })).toThrow(
      /DISTILLATION_JOB_RUNNER: expected 'local' or 'kubernetes'/,
    );
    expect(() => load({ DISTILLATION_K8S_TOLERATIONS: '{nope' })).toThrow(
      /DISTILLATION_K8S_TOLERATIONS: expected a JSON array/,
    );
    expect(() => load({ DISTILLATION_K8S_NODE_SELECTOR: 'gpu' })).toThrow(
      /DISTILLATION_K8S_NODE_SELECTOR: expected comma-separated key=value/,
    );
    const err = (() => {
      try {
        distillationOptionsFrom(load({ DISTILLATION_JOB_RUNNER: 'kubernetes' }), {});
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(
      /DISTILLATION_K8S_API_URL: required when DISTILLATION_JOB_RUNNER=kubernetes/,
    );
  });
});
