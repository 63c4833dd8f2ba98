import { EXTRACTIVE_SUMMARIZER_ID, extractiveTemplate } from '../domain/extractive-summary';
import type { SummaryInput } from '../domain/summary-input';
import type { Summarizer } from './ports/summarizer.port';

/** The default summariser when no LLM is configured: deterministic and labelled `extractive-v1`. */
export class ExtractiveSummarizer implements Summarizer {
  readonly id = EXTRACTIVE_SUMMARIZER_ID;

  summarize(input: SummaryInput): Promise<string> {
    return Promise.resolve(extractiveTemplate(input));
  }
}
