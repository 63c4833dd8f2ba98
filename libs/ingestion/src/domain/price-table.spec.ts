import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRICES,
  PriceTable,
  costFromTokens,
  defaultPriceTable,
  estimateTokensFromText,
} from './price-table';

describe('PriceTable', () => {
  it('holds the paper prices, with R1 at 0.55 / 2.19', () => {
    expect(defaultPriceTable.lookup('deepseek-r1')).toMatchObject({
      inputPerMTokens: 0.55,
      outputPerMTokens: 2.19,
      source: 'paper',
    });
    expect(defaultPriceTable.lookup('palmyra-creative-122b')?.inputPerMTokens).toBe(1.8);
    expect(defaultPriceTable.lookup('gemma-2-9b-it')?.inputPerMTokens).toBe(0.1);
    expect(DEFAULT_PRICES.filter((p) => p.source === 'paper')).toHaveLength(20);
  });

  it('prices every RouterBench and arena-bench model', () => {
    const routerbench = [
      'WizardLM/WizardLM-13B-V1.2',
      'claude-instant-v1',
      'claude-v1',
      'claude-v2',
      'gpt-3.5-turbo-1106',
      'gpt-4-1106-preview',
      'meta/code-llama-instruct-34b-chat',
      'meta/llama-2-70b-chat',
      'mistralai/mistral-7b-chat',
      'mistralai/mixtral-8x7b-chat',
      'zero-one-ai/Yi-34B-Chat',
    ];
    const arena = [
      'Llama-2-70b-chat',
      'mistralai/Mistral-7B-Instruct-v0.1',
      'mistralai/Mixtral-8x7B-Instruct-v0.1',
      'Starling-LM-7B-alpha',
      'claude-1',
      'claude-2.1',
      'claude-instant-1',
      'gpt-3.5-turbo-1106',
      'gpt-3.5-turbo',
      'gpt-4-0314',
      'gpt-4-1106-preview',
      'llama-13b',
      'openchat_3.5',
      'palm-2-chat-bison-001',
      'vicuna-13b-v1.5',
      'vicuna-33b-v1.3',
      'vicuna-7b-v1.5',
    ];
    for (const llm of [...routerbench, ...arena]) expect(defaultPriceTable.lookup(llm), llm).not.toBeNull();
  });

  it('marks open-model host prices as estimates', () => {
    expect(defaultPriceTable.lookup('vicuna-33b-v1.3')?.source).toBe('estimate');
    expect(defaultPriceTable.lookup('gpt-4-1106-preview')?.source).toBe('list');
  });

  it('ignores case, think suffixes and provider prefixes', () => {
    expect(defaultPriceTable.lookup('DeepSeek-R1_think')?.llm).toBe('deepseek-r1');
    expect(defaultPriceTable.lookup('gpt-4-1106-preview:think')?.llm).toBe('gpt-4-1106-preview');
    expect(defaultPriceTable.lookup('nvidia/llama3-chatqa-1.5-70b')?.llm).toBe('llama3-chatqa-1.5-70b');
  });

  it('computes USD cost from tokens', () => {
    expect(costFromTokens(1_000_000, 0, 0.55, 2.19)).toBeCloseTo(0.55, 12);
    expect(costFromTokens(100, 200, 0.55, 2.19)).toBeCloseTo((100 * 0.55 + 200 * 2.19) / 1e6, 15);
    expect(defaultPriceTable.costUsd('deepseek-r1', 100, 200)).toBeCloseTo(
      (100 * 0.55 + 200 * 2.19) / 1e6,
      15,
    );
  });

  it('returns null for unknown models', () => {
    expect(defaultPriceTable.lookup('no-such-model')).toBeNull();
    expect(defaultPriceTable.costUsd('no-such-model', 1, 1)).toBeNull();
    expect(new PriceTable([]).lookup('gpt-4')).toBeNull();
  });

  it('estimates tokens as characters / 4', () => {
    expect(estimateTokensFromText('')).toBe(0);
    expect(estimateTokensFromText('abcde')).toBe(2);
  });
});
