import type { AlpacaRecord } from '../../domain/sft-dataset.builder';

export interface DatasetFileRequest {
  tenant: string;
  /** The LLaMA-Factory dataset name (registered in `dataset_info.json`). */
  datasetName: string;
  /** Requested location (relative to the dataset root, or absolute inside it); empty = the default place. */
  outPath: string;
  records: readonly AlpacaRecord[];
}

export interface WrittenDataset {
  /** Absolute path of the Alpaca JSON file. */
  path: string;
  /** Its directory relative to the dataset root (what a trainer mounting the root sees). */
  relativeDir: string;
  datasetInfoPath: string;
}

/** Writes SFT datasets (Alpaca JSON) and registers them in the directory's `dataset_info.json`. */
export interface DatasetFileWriter {
  /** INVALID_ARGUMENT on `out_path` when the location is outside the dataset root or not a `.json` file. */
  write(request: DatasetFileRequest): Promise<WrittenDataset>;
  /** Absolute directory on this host of a dataset's relative directory. */
  hostDir(relativeDir: string): string;
}
