import type { ChatBackend } from '@fusion/shared/llm';
import { LlmError } from '@fusion/shared/llm';
import type { Summarizer } from '../../application/ports/summarizer.port';
import {
  buildSummarizerPrompt,
  cleanSummarizerReply,
  SUMMARIZER_MAX_TOKENS,
  SUMMARIZER_TEMPERATURE,
} from '../../domain/summarizer-prompt';
import type { SummaryInput } from '../../domain/summary-input';

/**
 * Summarises with an LLM over any `ChatBackend` (paper §4.1 step 5: one user message, max_tokens 1024,
 * temperature 0.2). A failed call, or an empty reply, is an error; the build decides what to do with it.
 */
export class LlmSummarizer implements Summarizer {
  readonly id: string;

  constructor(
    private readonly backend: ChatBackend,
    private readonly model: string,
  ) {
    this.id = `llm:${model}`;
  }

  async summarize(input: SummaryInput): Promise<string> {
    const result = await this.backend.complete({
      model: this.model,
      messages: [{ role: 'user', content: buildSummarizerPrompt(input) }],
      max_tokens: SUMMARIZER_MAX_TOKENS,
      temperature: SUMMARIZER_TEMPERATURE,
    });
    const template = cleanSummarizerReply(result.text);
    if (template === '') {
      throw new LlmError(
        'malformed_response',
        `${this.model}: the summariser returned an empty thought template`,
        {
          rawBody: result.text,
          model: this.model,
        },
      );
    }
    return template;
  }
}
