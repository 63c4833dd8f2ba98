import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import type { thoughtV1 } from '@fusion/contracts/grpc';
import { counter, currentTraceContext, histogram } from '@fusion/shared/telemetry';
import type { BuildTemplatesHandler } from '../../application/build-templates/build-templates.handler';
import type { RetrieveThoughtsHandler } from '../../application/retrieve-thoughts/retrieve-thoughts.handler';
import { BUILD_TEMPLATES_HANDLER, RETRIEVE_THOUGHTS_HANDLER } from '../thought.tokens';

const built = counter('fusion_thought_templates_built_total', 'Thought templates written by builds', [
  'selection',
  'summarizer',
]);
const retrieveSeconds = histogram('fusion_thought_retrieve_seconds', 'RetrieveThoughts latency');

/** gRPC adapter of the thought context. */
@Controller()
export class ThoughtGrpcController {
  constructor(
    @Inject(BUILD_TEMPLATES_HANDLER) private readonly build: BuildTemplatesHandler,
    @Inject(RETRIEVE_THOUGHTS_HANDLER) private readonly retrieve: RetrieveThoughtsHandler,
  ) {}

  @GrpcMethod('ThoughtService', 'BuildTemplates')
  async buildTemplates(req: thoughtV1.BuildTemplatesRequest): Promise<thoughtV1.BuildTemplatesResponse> {
    const res = await this.build.execute(
      {
        tenant: req.tenant || 'default',
        selection: req.selection ?? '',
        queriesPerTask: req.queriesPerTask ?? 0,
      },
      { correlationId: randomUUID(), ...currentTraceContext() },
    );
    built.inc({ selection: res.selection, summarizer: res.summarizer }, res.templates);
    return {
      templates: res.templates,
      tasks: res.tasks,
      buildId: res.buildId,
      summarizer: res.summarizer,
      selection: res.selection,
      failed: res.failed,
    };
  }

  @GrpcMethod('ThoughtService', 'RetrieveThoughts')
  async retrieveThoughts(
    req: thoughtV1.RetrieveThoughtsRequest,
  ): Promise<thoughtV1.RetrieveThoughtsResponse> {
    const end = retrieveSeconds.startTimer();
    try {
      const res = await this.retrieve.execute({
        tenant: req.tenant || 'default',
        query: req.query ?? '',
        taskHint: req.taskHint ?? '',
        topK: req.topK ?? 0,
      });
      return {
        templates: res.templates.map((t) => ({
          query: t.query,
          template: t.template,
          taskName: t.taskName,
          similarity: t.similarity,
          queryId: t.queryId,
          summarizer: t.summarizer,
        })),
        augmentedPrompt: res.augmentedPrompt,
        taskName: res.taskName,
      };
    } finally {
      end();
    }
  }
}
