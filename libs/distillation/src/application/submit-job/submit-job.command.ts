import type { DistillationJobView } from '../ports/distillation-job-repository.port';

/** Submit a LoRA SFT trainer job on a built dataset. */
export interface SubmitJobCommand {
  tenant: string;
  datasetId: string;
  /** Empty = the configured default (meta-llama/Llama-3.1-8B-Instruct). */
  baseModel: string;
  /** Empty = `<base>-<setting>-sft-<id>`. */
  studentName: string;
}

export type SubmitJobResult = DistillationJobView;
