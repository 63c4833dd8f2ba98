import type { TaskDomain } from '@fusion/contracts';

/** How a synthetic task's ground truth and response stubs are shaped (mirrors the paper's metrics, §1.2). */
export type DemoAnswerKind =
  'gsm8k' | 'math' | 'mbpp' | 'human_eval' | 'multiple_choice' | 'short_answer' | 'boolean';

/** One synthetic task, modelled on one of the paper's LLMFusionBench tasks (§1.2). */
export interface DemoTask {
  /** Always starts with `synthetic_`, so demo logs can never pass for real benchmark data. */
  name: string;
  /** The paper task it imitates (its name in LLMFusionBench). */
  paperTask: string;
  domain: Exclude<TaskDomain, 'general'>;
  /** The paper's metric name for that task. */
  metric: string;
  answer: DemoAnswerKind;
  description: string;
  /** Typical direct-mode output tokens of a model with verbosity 1. */
  outputTokens: number;
  /** Skill added in think mode (step-by-step helps math and code most). */
  thinkGain: number;
}

/**
 * A synthetic model: a real model name and its real public list price, with made-up skills.
 * Skill is on a 0..1 ability scale per domain; a query of difficulty h is answered correctly with probability
 * sigmoid(9 * (skill - h) + 1.2), so easy queries are within reach of cheap models and hard ones are not.
 */
export interface DemoModel {
  llm: string;
  /** USD per 1M input tokens. */
  inputPrice: number;
  /** USD per 1M output tokens. */
  outputPrice: number;
  skill: Readonly<Record<DemoTask['domain'], number>>;
  /** Output length relative to the task's typical length. */
  verbosity: number;
  /** Decode speed, for a plausible latency. */
  msPerOutputToken: number;
  description: string;
}

export const DEMO_TASKS: readonly DemoTask[] = [
  {
    name: 'synthetic_gsm8k',
    paperTask: 'gsm8k',
    domain: 'math',
    metric: 'GSM8K',
    answer: 'gsm8k',
    description:
      'Synthetic stand-in for GSM8K: grade-school arithmetic word problems (demo data, not GSM8K).',
    outputTokens: 90,
    thinkGain: 0.14,
  },
  {
    name: 'synthetic_math',
    paperTask: 'math',
    domain: 'math',
    metric: 'MATH',
    answer: 'math',
    description: 'Synthetic stand-in for MATH: short algebra problems with a boxed answer (demo data).',
    outputTokens: 110,
    thinkGain: 0.16,
  },
  {
    name: 'synthetic_mbpp',
    paperTask: 'mbpp',
    domain: 'code',
    metric: 'code_eval',
    answer: 'mbpp',
    description:
      'Synthetic stand-in for MBPP: write a small Python function that passes the asserts (demo data).',
    outputTokens: 80,
    thinkGain: 0.08,
  },
  {
    name: 'synthetic_human_eval',
    paperTask: 'human_eval',
    domain: 'code',
    metric: 'code_eval',
    answer: 'human_eval',
    description: 'Synthetic stand-in for HumanEval: complete a Python function body (demo data).',
    outputTokens: 70,
    thinkGain: 0.08,
  },
  {
    name: 'synthetic_commonsense_qa',
    paperTask: 'commonsense_qa',
    domain: 'commonsense',
    metric: 'em_mc',
    answer: 'multiple_choice',
    description: 'Synthetic stand-in for CommonsenseQA: everyday-reasoning multiple choice (demo data).',
    outputTokens: 25,
    thinkGain: 0.05,
  },
  {
    name: 'synthetic_arc_challenge',
    paperTask: 'arc_challenge',
    domain: 'commonsense',
    metric: 'em_mc',
    answer: 'multiple_choice',
    description: 'Synthetic stand-in for ARC-Challenge: grade-school science multiple choice (demo data).',
    outputTokens: 30,
    thinkGain: 0.06,
  },
  {
    name: 'synthetic_natural_qa',
    paperTask: 'natural_qa',
    domain: 'world_knowledge',
    metric: 'cem',
    answer: 'short_answer',
    description:
      'Synthetic stand-in for Natural Questions: short factual answers (demo data, invented facts).',
    outputTokens: 20,
    thinkGain: 0.03,
  },
  {
    name: 'synthetic_trivia_qa',
    paperTask: 'trivia_qa',
    domain: 'world_knowledge',
    metric: 'cem',
    answer: 'short_answer',
    description: 'Synthetic stand-in for TriviaQA: trivia with a short answer (demo data, invented facts).',
    outputTokens: 20,
    thinkGain: 0.03,
  },
  {
    name: 'synthetic_squad',
    paperTask: 'squad',
    domain: 'reading',
    metric: 'cem',
    answer: 'short_answer',
    description: 'Synthetic stand-in for SQuAD: answer from a given context passage (demo data).',
    outputTokens: 18,
    thinkGain: 0.04,
  },
  {
    name: 'synthetic_boolq',
    paperTask: 'boolq',
    domain: 'reading',
    metric: 'cem',
    answer: 'boolean',
    description:
      'Synthetic stand-in for BoolQ: yes/no questions about a passage, answered True or False (demo data).',
    outputTokens: 8,
    thinkGain: 0.04,
  },
  {
    name: 'synthetic_mmlu',
    paperTask: 'mmlu',
    domain: 'popular',
    metric: 'em_mc',
    answer: 'multiple_choice',
    description: 'Synthetic stand-in for MMLU: multi-subject multiple choice (demo data).',
    outputTokens: 30,
    thinkGain: 0.06,
  },
  {
    name: 'synthetic_gpqa',
    paperTask: 'gpqa',
    domain: 'popular',
    metric: 'em_mc',
    answer: 'multiple_choice',
    description: 'Synthetic stand-in for GPQA: graduate-level science multiple choice (demo data).',
    outputTokens: 45,
    thinkGain: 0.08,
  },
];

const skill = (
  math: number,
  code: number,
  commonsense: number,
  world_knowledge: number,
  reading: number,
  popular: number,
): DemoModel['skill'] => ({ math, code, commonsense, world_knowledge, reading, popular });

/**
 * The default demo models. Names and prices are real; skills are invented so that different models lead
 * different domains and the cheap models are good enough on easy queries.
 * Prices: USD per 1M tokens, public list prices as published in December 2024:
 * - OpenAI (openai.com/api/pricing): gpt-4o-mini 0.15 / 0.60, gpt-4o (2024-08-06) 2.50 / 10.00;
 * - Anthropic (anthropic.com/pricing): Claude 3.5 Haiku 0.80 / 4.00, Claude 3.5 Sonnet 3.00 / 15.00;
 * - Together AI serverless (together.ai/pricing): Llama 3.1 8B Instruct Turbo 0.18, Llama 3.1 70B Instruct
 *   Turbo 0.88, Qwen2.5 7B Instruct Turbo 0.30, Mixtral 8x7B Instruct 0.60 (input = output).
 */
export const DEMO_MODELS: readonly DemoModel[] = [
  {
    llm: 'gpt-4o-mini',
    inputPrice: 0.15,
    outputPrice: 0.6,
    skill: skill(0.58, 0.56, 0.58, 0.56, 0.6, 0.58),
    verbosity: 1.0,
    msPerOutputToken: 12,
    description: 'OpenAI gpt-4o-mini: small, cheap generalist ($0.15/$0.60 per 1M tokens).',
  },
  {
    llm: 'gpt-4o',
    inputPrice: 2.5,
    outputPrice: 10,
    skill: skill(0.88, 0.72, 0.8, 0.9, 0.74, 0.9),
    verbosity: 1.0,
    msPerOutputToken: 14,
    description:
      'OpenAI gpt-4o: large generalist, strongest on knowledge and math ($2.50/$10 per 1M tokens).',
  },
  {
    llm: 'claude-3-5-haiku',
    inputPrice: 0.8,
    outputPrice: 4,
    skill: skill(0.5, 0.8, 0.52, 0.48, 0.56, 0.5),
    verbosity: 0.9,
    msPerOutputToken: 11,
    description: 'Anthropic Claude 3.5 Haiku: fast mid-price model, good at code ($0.80/$4 per 1M tokens).',
  },
  {
    llm: 'claude-3-5-sonnet',
    inputPrice: 3,
    outputPrice: 15,
    skill: skill(0.76, 0.94, 0.76, 0.72, 0.9, 0.78),
    verbosity: 1.2,
    msPerOutputToken: 16,
    description:
      'Anthropic Claude 3.5 Sonnet: large model, strongest on code and reading ($3/$15 per 1M tokens).',
  },
  {
    llm: 'llama-3.1-8b-instruct',
    inputPrice: 0.18,
    outputPrice: 0.18,
    skill: skill(0.34, 0.32, 0.6, 0.36, 0.62, 0.36),
    verbosity: 1.3,
    msPerOutputToken: 6,
    description:
      'Meta Llama 3.1 8B Instruct (hosted): the cheapest model, fine on easy queries ($0.18 per 1M tokens).',
  },
  {
    llm: 'llama-3.1-70b-instruct',
    inputPrice: 0.88,
    outputPrice: 0.88,
    skill: skill(0.5, 0.48, 0.74, 0.58, 0.74, 0.58),
    verbosity: 1.1,
    msPerOutputToken: 10,
    description:
      'Meta Llama 3.1 70B Instruct (hosted): open model, strongest on commonsense ($0.88 per 1M tokens).',
  },
  {
    llm: 'qwen2.5-7b-instruct',
    inputPrice: 0.3,
    outputPrice: 0.3,
    skill: skill(0.78, 0.54, 0.44, 0.3, 0.46, 0.44),
    verbosity: 1.1,
    msPerOutputToken: 6,
    description:
      'Qwen2.5 7B Instruct (hosted): small model with strong math for its size ($0.30 per 1M tokens).',
  },
  {
    llm: 'mixtral-8x7b-instruct',
    inputPrice: 0.6,
    outputPrice: 0.6,
    skill: skill(0.4, 0.4, 0.5, 0.74, 0.5, 0.66),
    verbosity: 1.2,
    msPerOutputToken: 9,
    description: 'Mistral Mixtral 8x7B Instruct (hosted): mid-size mixture of experts ($0.60 per 1M tokens).',
  },
];
