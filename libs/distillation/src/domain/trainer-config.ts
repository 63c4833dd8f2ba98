/**
 * LoRA SFT hyper-parameters. The paper's repo gives none; these are LLaMA-Factory's stock
 * `llama3_lora_sft.yaml` (paper §5, "Training"): rank 8 on all linear layers, lr 1e-4, 3 epochs, cosine,
 * warm-up 0.1, batch 1 x 8 accumulation, cutoff 2048.
 */
export interface LoraHyperparameters {
  loraRank: number;
  loraTarget: string;
  learningRate: number;
  numTrainEpochs: number;
  lrSchedulerType: string;
  warmupRatio: number;
  cutoffLen: number;
  perDeviceTrainBatchSize: number;
  gradientAccumulationSteps: number;
  bf16: boolean;
}

export const DEFAULT_LORA_HYPERPARAMETERS: Readonly<LoraHyperparameters> = {
  loraRank: 8,
  loraTarget: 'all',
  learningRate: 1e-4,
  numTrainEpochs: 3,
  lrSchedulerType: 'cosine',
  warmupRatio: 0.1,
  cutoffLen: 2048,
  perDeviceTrainBatchSize: 1,
  gradientAccumulationSteps: 8,
  bf16: true,
};

export const DEFAULT_BASE_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';

/** LLaMA-Factory's chat template for a base model (by family name; `llama3` when unknown). */
export function chatTemplateFor(baseModel: string): string {
  const m = baseModel.toLowerCase();
  if (/llama-?3/.test(m)) return 'llama3';
  if (m.includes('qwen')) return 'qwen';
  if (m.includes('mistral') || m.includes('mixtral')) return 'mistral';
  if (m.includes('gemma')) return 'gemma';
  return 'llama3';
}

// PyYAML (YAML 1.1) reads `1e-4` as a string: floats need a dot in the mantissa.
function yamlNumber(x: number, float: boolean): string {
  if (!float) return String(x);
  if (x !== 0 && Math.abs(x) < 1e-3) {
    const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${exponent}`;
  }
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

const str = (s: string): string => JSON.stringify(s);

export interface TrainerConfigInput {
  baseModel: string;
  datasetName: string;
  /** Directory holding the dataset file and its `dataset_info.json`, as the trainer container sees it. */
  datasetDir: string;
  outputDir: string;
  hyperparameters: LoraHyperparameters;
}

/** The `llamafactory-cli train` YAML for a LoRA SFT run. */
export function renderTrainerConfig(input: TrainerConfigInput): string {
  const h = input.hyperparameters;
  return [
    '### model',
    `model_name_or_path: ${str(input.baseModel)}`,
    'trust_remote_code: true',
    '',
    '### method',
    'stage: sft',
    'do_train: true',
    'finetuning_type: lora',
    `lora_rank: ${yamlNumber(h.loraRank, false)}`,
    `lora_target: ${str(h.loraTarget)}`,
    '',
    '### dataset',
    `dataset: ${str(input.datasetName)}`,
    `dataset_dir: ${str(input.datasetDir)}`,
    `template: ${str(chatTemplateFor(input.baseModel))}`,
    `cutoff_len: ${yamlNumber(h.cutoffLen, false)}`,
    'overwrite_cache: true',
    'preprocessing_num_workers: 16',
    '',
    '### output',
    `output_dir: ${str(input.outputDir)}`,
    'logging_steps: 10',
    'save_steps: 500',
    'plot_loss: true',
    'overwrite_output_dir: true',
    '',
    '### train',
    `per_device_train_batch_size: ${yamlNumber(h.perDeviceTrainBatchSize, false)}`,
    `gradient_accumulation_steps: ${yamlNumber(h.gradientAccumulationSteps, false)}`,
    `learning_rate: ${yamlNumber(h.learningRate, true)}`,
    `num_train_epochs: ${yamlNumber(h.numTrainEpochs, true)}`,
    `lr_scheduler_type: ${str(h.lrSchedulerType)}`,
    `warmup_ratio: ${yamlNumber(h.warmupRatio, true)}`,
    `bf16: ${h.bf16 ? 'true' : 'false'}`,
    'ddp_timeout: 180000000',
    '',
  ].join('\n');
}
