import { Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConsumerGroups } from '@fusion/contracts';
import type { EventStore } from '@fusion/shared/event-store';
import type { Clock, IdGenerator } from '@fusion/shared/kernel';
import {
  HashedNgramEmbedder,
  OpenAiCompatibleChatBackend,
  ResilientChatBackend,
  type Embedder,
} from '@fusion/shared/llm';
import { CLOCK, DATA_SOURCE, EVENT_STORE, IDS, type ContextModuleSpec } from '@fusion/shared/runtime';
import { BuildTemplatesHandler } from '../application/build-templates/build-templates.handler';
import { ExtractiveSummarizer } from '../application/extractive.summarizer';
import type { Summarizer } from '../application/ports/summarizer.port';
import type { ThoughtLibraryStore } from '../application/ports/thought-library-store.port';
import type { ThoughtResponseReader } from '../application/ports/thought-response-reader.port';
import { RetrieveThoughtsHandler } from '../application/retrieve-thoughts/retrieve-thoughts.handler';
import { TemplateLibraryCache } from '../application/template-library.cache';
import { ThoughtGrpcController } from './grpc/thought.grpc-controller';
import { ThoughtResponsesConsumer } from './kafka/thought-responses.consumer';
import { LlmSummarizer } from './llm/llm.summarizer';
import { CreateThoughtTables1767226300000 } from './persistence/1767226300000-create-thought-tables';
import { TypeOrmThoughtLibraryStore } from './persistence/typeorm-thought-library.store';
import { TypeOrmThoughtResponseReader } from './persistence/typeorm-thought-response.reader';
import {
  BUILD_TEMPLATES_HANDLER,
  RETRIEVE_THOUGHTS_HANDLER,
  THOUGHT_EMBEDDER,
  THOUGHT_LIBRARY_STORE,
  THOUGHT_OPTIONS,
  THOUGHT_RESPONSE_READER,
  THOUGHT_SUMMARIZER,
  THOUGHT_TEMPLATE_CACHE,
  type ThoughtOptions,
} from './thought.tokens';

/** Defaults: extractive summariser, hashed n-gram embeddings, 100 queries per task, 4 summaries at once. */
export function resolveThoughtOptions(options: Partial<ThoughtOptions> = {}): ThoughtOptions {
  return {
    summarizer: options.summarizer ?? null,
    summarizerConcurrency: options.summarizerConcurrency ?? 4,
    defaultQueriesPerTask: options.defaultQueriesPerTask ?? 100,
    embedder: options.embedder ?? new HashedNgramEmbedder(),
    consumeLogs: options.consumeLogs ?? true,
  };
}

/** The summariser the options ask for: an LLM over an OpenAI-compatible server, else `extractive-v1`. */
export function summarizerFor(options: ThoughtOptions): Summarizer {
  const s = options.summarizer;
  if (!s) return new ExtractiveSummarizer();
  const backend = new ResilientChatBackend(
    new OpenAiCompatibleChatBackend({
      baseUrl: s.baseUrl,
      ...(s.apiKey ? { apiKey: s.apiKey } : {}),
      timeoutMs: s.timeoutMs ?? 120_000,
    }),
    s.retry ? { retry: s.retry } : {},
  );
  return new LlmSummarizer(backend, s.model);
}

@Module({})
export class ThoughtModule {
  static register(options: Partial<ThoughtOptions> = {}): DynamicModule {
    const resolved = resolveThoughtOptions(options);
    return {
      module: ThoughtModule,
      controllers: [ThoughtGrpcController],
      providers: [
        { provide: THOUGHT_OPTIONS, useValue: resolved },
        { provide: THOUGHT_EMBEDDER, useValue: resolved.embedder },
        { provide: THOUGHT_SUMMARIZER, useFactory: () => summarizerFor(resolved) },
        {
          provide: THOUGHT_RESPONSE_READER,
          inject: [DATA_SOURCE],
          useFactory: (ds: DataSource) => new TypeOrmThoughtResponseReader(ds),
        },
        {
          provide: THOUGHT_LIBRARY_STORE,
          inject: [DATA_SOURCE, EVENT_STORE],
          useFactory: (ds: DataSource, store: EventStore) => new TypeOrmThoughtLibraryStore(ds, store),
        },
        {
          provide: THOUGHT_TEMPLATE_CACHE,
          inject: [THOUGHT_LIBRARY_STORE, THOUGHT_EMBEDDER],
          useFactory: (library: ThoughtLibraryStore, embedder: Embedder) =>
            new TemplateLibraryCache(library, embedder),
        },
        {
          provide: BUILD_TEMPLATES_HANDLER,
          inject: [
            THOUGHT_RESPONSE_READER,
            THOUGHT_LIBRARY_STORE,
            THOUGHT_SUMMARIZER,
            THOUGHT_EMBEDDER,
            THOUGHT_TEMPLATE_CACHE,
            IDS,
            CLOCK,
          ],
          useFactory: (
            responses: ThoughtResponseReader,
            library: ThoughtLibraryStore,
            summarizer: Summarizer,
            embedder: Embedder,
            cache: TemplateLibraryCache,
            ids: IdGenerator,
            clock: Clock,
          ) =>
            new BuildTemplatesHandler({
              responses,
              library,
              summarizer,
              embedder,
              ids,
              clock,
              defaultQueriesPerTask: resolved.defaultQueriesPerTask,
              concurrency: resolved.summarizerConcurrency,
              onBuilt: (tenant) => cache.invalidate(tenant),
            }),
        },
        {
          provide: RETRIEVE_THOUGHTS_HANDLER,
          inject: [THOUGHT_TEMPLATE_CACHE, THOUGHT_EMBEDDER],
          useFactory: (cache: TemplateLibraryCache, embedder: Embedder) =>
            new RetrieveThoughtsHandler({ cache, embedder }),
        },
        ThoughtResponsesConsumer,
      ],
      exports: [BUILD_TEMPLATES_HANDLER, RETRIEVE_THOUGHTS_HANDLER],
    };
  }
}

/** The thought context as a process hosts it. */
export function thoughtContext(options: Partial<ThoughtOptions> = {}): ContextModuleSpec {
  return {
    module: ThoughtModule.register(options),
    grpc: [
      {
        package: 'fusion.thought.v1',
        protoFile: 'fusion/thought/v1/thought.proto',
        services: ['fusion.thought.v1.ThoughtService'],
      },
    ],
    persistence: { migrations: [CreateThoughtTables1767226300000] },
    consumerGroups: [ConsumerGroups.ThoughtResponses],
  };
}
