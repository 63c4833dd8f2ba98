// Domain: selection strategies, grouping, summaries, retrieval and the augmented prompt (pure).
export * from './domain/thought-response';
export * from './domain/think-phrase';
export * from './domain/template-selection';
export * from './domain/query-groups';
export * from './domain/summary-input';
export * from './domain/summarizer-prompt';
export * from './domain/extractive-summary';
export * from './domain/thought-template';
export * from './domain/template-retrieval';
export * from './domain/augmented-prompt';

// Application: use cases and ports.
export * from './application/ports/summarizer.port';
export * from './application/ports/thought-response-reader.port';
export * from './application/ports/thought-library-store.port';
export * from './application/extractive.summarizer';
export * from './application/template-library.cache';
export * from './application/build-templates/build-templates.command';
export * from './application/build-templates/build-templates.handler';
export * from './application/retrieve-thoughts/retrieve-thoughts.command';
export * from './application/retrieve-thoughts/retrieve-thoughts.handler';

// Service: the Nest module, tokens and adapters.
export {
  ThoughtModule,
  thoughtContext,
  resolveThoughtOptions,
  summarizerFor,
} from './adapters/thought.module';
export * from './adapters/thought.tokens';
export { LlmSummarizer } from './adapters/llm/llm.summarizer';
export { CreateThoughtTables1767226300000 } from './adapters/persistence/1767226300000-create-thought-tables';
