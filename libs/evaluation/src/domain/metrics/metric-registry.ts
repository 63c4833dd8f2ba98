import { coverExactMatchMetric } from './cover-exact-match.metric';
import { exactMatchMetric } from './exact-match.metric';
import { gsm8kMetric } from './gsm8k.metric';
import { mathMetric } from './math.metric';
import { METRIC_VARIANTS, MetricError, type MetricVariant, type TextMetric } from './metric';
import { multipleChoiceMetric } from './multiple-choice.metric';
import { tokenF1Metric } from './token-f1.metric';

export type MetricName = 'em' | 'cem' | 'em_mc' | 'f1' | 'gsm8k' | 'math' | 'code_eval';

/** One registered metric. Text metrics score from strings; code_eval needs a sandbox (application layer). */
export type MetricDefinition =
  | {
      name: Exclude<MetricName, 'code_eval'>;
      kind: 'text';
      aliases: readonly string[];
      variants: readonly MetricVariant[];
      metric: TextMetric;
    }
  | { name: 'code_eval'; kind: 'code'; aliases: readonly string[]; variants: readonly MetricVariant[] };

export const DEFAULT_METRIC_VARIANT: MetricVariant = 'fixed';

/** Every supported metric; `aliases` are the spellings the paper's log uses (`GSM8K`, `MATH`, `f1_score`). */
export const METRIC_REGISTRY: readonly MetricDefinition[] = [
  { name: 'em', kind: 'text', aliases: [], variants: METRIC_VARIANTS, metric: exactMatchMetric },
  { name: 'cem', kind: 'text', aliases: [], variants: METRIC_VARIANTS, metric: coverExactMatchMetric },
  { name: 'em_mc', kind: 'text', aliases: [], variants: METRIC_VARIANTS, metric: multipleChoiceMetric },
  { name: 'f1', kind: 'text', aliases: ['f1_score'], variants: METRIC_VARIANTS, metric: tokenF1Metric },
  { name: 'gsm8k', kind: 'text', aliases: ['GSM8K'], variants: METRIC_VARIANTS, metric: gsm8kMetric },
  { name: 'math', kind: 'text', aliases: ['MATH'], variants: METRIC_VARIANTS, metric: mathMetric },
  { name: 'code_eval', kind: 'code', aliases: [], variants: METRIC_VARIANTS },
];

const SUPPORTED = METRIC_REGISTRY.map((d) => d.name).join(', ');
// Known to the paper but deliberately absent: it needs a BERT model and no task uses it.
const UNSUPPORTED: Record<string, string> = {
  bert_score: 'bert_score needs a BERT model and no task uses it',
};

/** Looks a metric up by name or alias (case-insensitive); MetricError naming the supported ones otherwise. */
export function resolveMetric(name: string): MetricDefinition {
  const key = typeof name === 'string' ? name.trim().toLowerCase() : '';
  const found = METRIC_REGISTRY.find((d) => d.name === key || d.aliases.some((a) => a.toLowerCase() === key));
  if (found) return found;
  const why = UNSUPPORTED[key];
  const shown = typeof name === 'string' ? JSON.stringify(name) : String(name);
  throw new MetricError(
    'metric',
    `${why ? `${why}; ` : ''}unknown metric ${shown}; supported: ${SUPPORTED} (aliases: f1_score, GSM8K, MATH)`,
  );
}

/** Validates a variant; MetricError naming the allowed ones otherwise. Undefined means the default. */
export function resolveVariant(variant: string | undefined): MetricVariant {
  if (variant === undefined) return DEFAULT_METRIC_VARIANT;
  if ((METRIC_VARIANTS as readonly string[]).includes(variant)) return variant as MetricVariant;
  throw new MetricError(
    'variant',
    `unknown metric variant ${JSON.stringify(variant)}; supported: ${METRIC_VARIANTS.join(', ')}`,
  );
}

/** Scores a response with a text metric (every metric except code_eval, which needs a sandbox). */
export function scoreText(
  metricName: string,
  prediction: string,
  groundTruth: string,
  variant?: MetricVariant,
): { score: number; reason: string | null; metric: MetricName; variant: MetricVariant } {
  const def = resolveMetric(metricName);
  const v = resolveVariant(variant);
  if (def.kind !== 'text') {
    throw new MetricError('metric', `${def.name} runs code; score it with scoreResponse and a CodeSandbox`);
  }
  const { score, reason } = def.metric.score(prediction, groundTruth, v);
  return { score, reason, metric: def.name, variant: v };
}
