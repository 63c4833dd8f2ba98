import { DomainError } from '@fusion/shared/kernel';
import type { Embedder } from '@fusion/shared/llm';
import { buildAugmentedPrompt } from '../../domain/augmented-prompt';
import { parseTopK, retrieveTemplates } from '../../domain/template-retrieval';
import type { TemplateLibraryCache } from '../template-library.cache';
import type { RetrieveThoughtsCommand, RetrieveThoughtsResult } from './retrieve-thoughts.command';

/** Largest query accepted for retrieval (it is embedded and echoed into the prompt). */
export const MAX_QUERY_CHARS = 100_000;

/** RetrieveThoughts (paper §4.2): nearest templates of the query's task and the augmented prompt. */
export class RetrieveThoughtsHandler {
  constructor(private readonly deps: { cache: TemplateLibraryCache; embedder: Embedder }) {}

  async execute(cmd: RetrieveThoughtsCommand): Promise<RetrieveThoughtsResult> {
    if (cmd.query.trim() === '')
      throw DomainError.invalidArgument('query', 'is empty: pass the text to find thoughts for');
    if (cmd.query.length > MAX_QUERY_CHARS) {
      throw DomainError.invalidArgument(
        'query',
        `is ${cmd.query.length} characters; the limit is ${MAX_QUERY_CHARS}`,
      );
    }
    const topK = parseTopK(cmd.topK);
    const library = await this.deps.cache.get(cmd.tenant);
    if (library.length === 0) return { templates: [], augmentedPrompt: cmd.query, taskName: '' };
    const [vector] = await this.deps.embedder.embed([cmd.query]);
    const retrieval = retrieveTemplates(library, vector as Float32Array, { taskHint: cmd.taskHint, topK });
    const templates = retrieval.matches.map((m) => ({
      queryId: m.template.queryId,
      query: m.template.query,
      template: m.template.template,
      taskName: m.template.taskName,
      similarity: m.similarity,
      summarizer: m.template.summarizer,
    }));
    return {
      templates,
      augmentedPrompt: buildAugmentedPrompt(cmd.query, templates),
      taskName: retrieval.taskName ?? '',
    };
  }
}
