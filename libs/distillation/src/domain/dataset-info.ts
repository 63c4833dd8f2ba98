/** LLaMA-Factory's `dataset_info.json` entry for an Alpaca-format file. */
export interface DatasetInfoEntry {
  file_name: string;
  formatting: 'alpaca';
  columns: { prompt: 'instruction'; query: 'input'; response: 'output' };
}

export function datasetInfoEntry(fileName: string): DatasetInfoEntry {
  return {
    file_name: fileName,
    formatting: 'alpaca',
    columns: { prompt: 'instruction', query: 'input', response: 'output' },
  };
}
