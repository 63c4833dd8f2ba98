/** Where a price comes from; anything but `paper` or `list` is a guess at a public host's price. */
export type PriceSource = 'paper' | 'list' | 'estimate';

/** Price of one LLM in USD per 1M tokens. */
export interface LlmPrice {
  llm: string;
  inputPerMTokens: number;
  outputPerMTokens: number;
  source: PriceSource;
  aliases?: readonly string[];
  note?: string;
}

const paper = (llm: string, input: number, output = input, note?: string): LlmPrice => ({
  llm,
  inputPerMTokens: input,
  outputPerMTokens: output,
  source: 'paper',
  ...(note ? { note } : {}),
});
const list = (
  llm: string,
  input: number,
  output: number,
  aliases: string[] = [],
  note?: string,
): LlmPrice => ({
  llm,
  inputPerMTokens: input,
  outputPerMTokens: output,
  source: 'list',
  aliases,
  ...(note ? { note } : {}),
});
const estimate = (
  llm: string,
  input: number,
  output: number,
  aliases: string[] = [],
  note?: string,
): LlmPrice => ({
  llm,
  inputPerMTokens: input,
  outputPerMTokens: output,
  source: 'estimate',
  aliases,
  ...(note ? { note } : {}),
});

/**
 * Default prices.
 * - The paper's 20 LLMs (§1.4): the prices its log was costed with (NVIDIA NIM); R1 at the 0.55/2.19 the
 *   reference preprocessing re-prices it to.
 * - RouterBench's 11 models: the prices its `total_cost` columns imply (checked against the data: cost per
 *   row / price is the same token count for every model of a row).
 * - Arena-bench models: vendor list prices of late 2023 where a vendor sold the model; open models at a
 *   typical hosted price (estimates).
 */
export const DEFAULT_PRICES: readonly LlmPrice[] = [
  paper('qwen2-7b-instruct', 0.2),
  paper('qwen2.5-7b-instruct', 0.2, 0.2, 'its description text says 0.30; the log uses 0.20'),
  paper('gemma-7b', 0.2),
  paper('codegemma-7b', 0.2),
  paper('gemma-2-9b-it', 0.1),
  paper('llama-3.1-8b-instruct', 0.2),
  paper('granite-3.0-8b-instruct', 0.2),
  paper('llama3-chatqa-1.5-8b', 0.2),
  paper('mistral-nemo-12b-instruct', 0.3),
  paper('mistral-7b-instruct-v0.3', 0.2),
  paper('llama-3.3-nemotron-super-49b-v1', 0.9),
  paper('llama-3.1-nemotron-51b-instruct', 0.9),
  paper('llama3-chatqa-1.5-70b', 0.9),
  paper('llama-3.1-70b-instruct', 0.9),
  paper('llama3-70b-instruct', 0.9),
  paper('granite-34b-code-instruct', 0.8),
  paper('mixtral-8x7b-instruct-v0.1', 0.6),
  paper('deepseek-r1', 0.55, 2.19),
  paper('mixtral-8x22b-instruct-v0.1', 1.2),
  paper('palmyra-creative-122b', 1.8),
  // RouterBench (ratios verified against its total_cost columns).
  list('gpt-4-1106-preview', 10, 30, ['gpt-4-turbo']),
  list('gpt-3.5-turbo-1106', 1, 2),
  list('claude-v1', 8, 24, ['claude-1']),
  list('claude-v2', 8, 24, ['claude-2', 'claude-2.1']),
  list('claude-instant-v1', 0.8, 2.4, ['claude-instant-1']),
  estimate('meta/llama-2-70b-chat', 0.9, 0.9, ['llama-2-70b-chat']),
  estimate('mistralai/mixtral-8x7b-chat', 0.6, 0.6, ['mixtral-8x7b-instruct-v0.1-hf']),
  estimate('mistralai/mistral-7b-chat', 0.2, 0.2, ['mistral-7b-instruct-v0.1']),
  estimate('zero-one-ai/Yi-34B-Chat', 0.8, 0.8, ['yi-34b-chat']),
  estimate('WizardLM/WizardLM-13B-V1.2', 0.3, 0.3, ['wizardlm-13b-v1.2']),
  estimate('meta/code-llama-instruct-34b-chat', 0.776, 0.776, ['codellama-34b-instruct']),
  // Arena-bench-v1 models not above.
  list('gpt-4-0314', 30, 60, ['gpt-4', 'gpt-4-0613']),
  list('gpt-3.5-turbo', 1.5, 2, ['gpt-3.5-turbo-0613'], 'gpt-3.5-turbo pointed at -0613 in late 2023'),
  estimate(
    'palm-2-chat-bison-001',
    1,
    2,
    ['chat-bison-001'],
    'sold per character; converted at ~4 characters per token',
  ),
  estimate('Starling-LM-7B-alpha', 0.2, 0.2),
  estimate('openchat_3.5', 0.2, 0.2, ['openchat-3.5']),
  estimate('llama-13b', 0.3, 0.3),
  estimate('vicuna-7b-v1.5', 0.2, 0.2),
  estimate('vicuna-13b-v1.5', 0.3, 0.3),
  estimate('vicuna-33b-v1.3', 0.8, 0.8),
];

/** Lookup key: case-insensitive, prompt-mode suffix (`_think`, `:think`) removed. */
function priceKey(llm: string): string {
  return llm
    .trim()
    .toLowerCase()
    .replace(/(?:_think|:think)$/, '');
}

/** Name without a provider prefix (`mistralai/Mixtral-8x7B` -> `mixtral-8x7b`). */
function withoutProvider(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash >= 0 ? key.slice(slash + 1) : key;
}

/** USD cost of a call: tokens x price per 1M tokens. */
export function costFromTokens(
  inputTokens: number,
  outputTokens: number,
  inputPerMTokens: number,
  outputPerMTokens: number,
): number {
  return (inputTokens * inputPerMTokens + outputTokens * outputPerMTokens) / 1_000_000;
}

/** Rough token count of a text (about 4 characters per token for English BPE vocabularies). */
export function estimateTokensFromText(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** $/1M-token prices by LLM name; matches with or without a provider prefix and a think suffix. */
export class PriceTable {
  private readonly byKey = new Map<string, LlmPrice>();
  private readonly byBareKey = new Map<string, LlmPrice>();

  constructor(prices: readonly LlmPrice[] = DEFAULT_PRICES) {
    for (const p of prices) {
      for (const name of [p.llm, ...(p.aliases ?? [])]) {
        const key = priceKey(name);
        this.byKey.set(key, p);
        const bare = withoutProvider(key);
        if (!this.byBareKey.has(bare)) this.byBareKey.set(bare, p);
      }
    }
  }

  /** The price of an LLM, or null when unknown. */
  lookup(llm: string): LlmPrice | null {
    const key = priceKey(llm);
    return this.byKey.get(key) ?? this.byBareKey.get(withoutProvider(key)) ?? null;
  }

  /** USD cost from token counts at this table's price; null when the LLM has no price. */
  costUsd(llm: string, inputTokens: number, outputTokens: number): number | null {
    const p = this.lookup(llm);
    return p ? costFromTokens(inputTokens, outputTokens, p.inputPerMTokens, p.outputPerMTokens) : null;
  }

  list(): LlmPrice[] {
    return [...new Set(this.byKey.values())];
  }
}

export const defaultPriceTable = new PriceTable();
