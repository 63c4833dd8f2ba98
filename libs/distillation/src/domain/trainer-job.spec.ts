import { describe, expect, it } from 'vitest';
import { DistillationJobSubmitted, type DistillationJobSubmittedV1 } from '@fusion/contracts';
import { ErrorCode } from '@fusion/shared/kernel';
import { decideJob, evolveJob, initialJobState } from './distillation-job.decider';
import { defaultStudentName, validateBaseModel, validateStudentName } from './student-name';
import { chatTemplateFor, DEFAULT_LORA_HYPERPARAMETERS, renderTrainerConfig } from './trainer-config';
import {
  kubernetesName,
  renderTrainerJobManifest,
  type TrainerClusterSettings,
} from './trainer-job.manifest';

const cluster: TrainerClusterSettings = {
  namespace: 'ml',
  image: 'llamafactory:test',
  gpus: 1,
  nodeSelector: { 'nvidia.com/gpu.present': 'true' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  datasetPvc: 'datasets',
  dataMountPath: '/data',
  hfTokenSecret: 'hf',
  ttlSecondsAfterFinished: 60,
};

describe('LLaMA-Factory trainer config', () => {
  it('renders LoRA SFT with the stock hyper-parameters in YAML that PyYAML reads as numbers', () => {
    const yaml = renderTrainerConfig({
      baseModel: 'meta-llama/Llama-3.1-8B-Instruct',
      datasetName: 'fusion_hybrid_sft_top_5_abc',
      datasetDir: '/data/default',
      outputDir: '/data/models/default/s1',
      hyperparameters: DEFAULT_LORA_HYPERPARAMETERS,
    });
    for (const line of [
      'model_name_or_path: "meta-llama/Llama-3.1-8B-Instruct"',
      'stage: sft',
      'finetuning_type: lora',
      'lora_rank: 8',
      'lora_target: "all"',
      'dataset: "fusion_hybrid_sft_top_5_abc"',
      'dataset_dir: "/data/default"',
      'template: "llama3"',
      'cutoff_len: 2048',
      'learning_rate: 1.0e-4',
      'num_train_epochs: 3.0',
      'lr_scheduler_type: "cosine"',
      'warmup_ratio: 0.1',
      'gradient_accumulation_steps: 8',
    ]) {
      expect(yaml.split('\n')).toContain(line);
    }
    expect(chatTemplateFor('Qwen/Qwen2.5-7B-Instruct')).toBe('qwen');
  });
});

describe('trainer Job manifest', () => {
  it('is a batch/v1 Job on one GPU with the node selector, tolerations, PVC and the config in the environment', () => {
    const m = renderTrainerJobManifest({
      name: 'fusion-sft-1',
      tenant: 'acme',
      jobId: 'job-1',
      datasetId: 'ds-1',
      studentName: 's1',
      trainerConfigYaml: 'stage: sft\n',
      cluster,
    }) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string; labels: Record<string, string> };
      spec: {
        backoffLimit: number;
        template: {
          spec: Record<string, unknown> & { containers: Record<string, unknown>[]; volumes: unknown[] };
        };
      };
    };
    expect(m).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'fusion-sft-1', namespace: 'ml' },
      spec: { backoffLimit: 0 },
    });
    expect(m.metadata.labels['fusionfactory.io/job-id']).toBe('job-1');
    const pod = m.spec.template.spec;
    expect(pod['restartPolicy']).toBe('Never');
    expect(pod['nodeSelector']).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(pod['tolerations']).toEqual(cluster.tolerations);
    expect(pod.volumes).toEqual([{ name: 'datasets', persistentVolumeClaim: { claimName: 'datasets' } }]);
    const c = pod.containers[0] as {
      image: string;
      args: string[];
      env: { name: string; value?: string }[];
      resources: unknown;
    };
    expect(c.image).toBe('llamafactory:test');
    expect(c.args[0]).toMatch(/llamafactory-cli train \/tmp\/fusion-trainer\.yaml$/);
    expect(c.env.find((e) => e.name === 'TRAINER_CONFIG')?.value).toBe('stage: sft\n');
    expect(c.env.map((e) => e.name)).toContain('HF_TOKEN');
    expect(c.resources).toEqual({ requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } });
  });

  it('makes DNS-1123 names', () => {
    expect(kubernetesName('Fusion_SFT--ABC.')).toBe('fusion-sft-abc');
    expect(kubernetesName('x'.repeat(80))).toHaveLength(63);
  });
});

describe('distillation job decider (given/when/then)', () => {
  const submission: DistillationJobSubmittedV1 = {
    jobId: 'job-1',
    datasetId: 'ds-1',
    baseModel: 'm',
    studentName: 's',
    runner: 'local',
    status: 'awaiting_cluster',
    message: 'not started',
    manifestPath: '/x/job.json',
    kubernetes: null,
    hyperparameters: {},
  };

  it('given no job, when a submission is recorded, then DistillationJobSubmitted', () => {
    const events = decideJob({ type: 'RecordSubmission', submission }, initialJobState());
    expect(events).toEqual([{ type: DistillationJobSubmitted.type, data: submission }]);
    expect(evolveJob(initialJobState(), events[0]!)).toEqual({
      exists: true,
      jobId: 'job-1',
      status: 'awaiting_cluster',
    });
  });

  it('given a submitted job, when it is submitted again, then ALREADY_EXISTS', () => {
    const state = evolveJob(initialJobState(), { type: DistillationJobSubmitted.type, data: submission });
    expect(() => decideJob({ type: 'RecordSubmission', submission }, state)).toThrowError(
      expect.objectContaining({ code: ErrorCode.AlreadyExists }),
    );
  });

  it('validates names naming the field, and derives a default student name', () => {
    expect(() => validateStudentName('bad name')).toThrow(/student_name/);
    expect(() => validateBaseModel('rm -rf /; x')).toThrow(/base_model/);
    expect(
      validateStudentName(defaultStudentName('meta-llama/Llama-3.1-8B-Instruct', 'hybrid', 'abc123')),
    ).toBe('Llama-3.1-8B-Instruct-hybrid-sft-abc123');
  });
});
