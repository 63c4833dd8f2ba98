import type { Client } from '@grpc/grpc-js';
import type { thoughtV1 } from '@fusion/contracts/grpc';
import { createGrpcClient, unary } from '@fusion/shared/transport';
import type { ThoughtAugmenter } from '../../application/ports/thought-augmenter.port';

/** Thought augmentation through the thought service's `RetrieveThoughts` (distributed deployments). */
export class GrpcThoughtAugmenter implements ThoughtAugmenter {
  private client: Client | null = null;

  constructor(
    private readonly address: string,
    private readonly deadlineMs = 5_000,
  ) {}

  async augment(request: {
    tenant: string;
    query: string;
    taskHint?: string;
  }): Promise<{ prompt: string; templates: number }> {
    this.client ??= createGrpcClient(
      this.address,
      'fusion/thought/v1/thought.proto',
      'fusion.thought.v1.ThoughtService',
    );
    const res = await unary<Partial<thoughtV1.RetrieveThoughtsRequest>, thoughtV1.RetrieveThoughtsResponse>(
      this.client,
      'RetrieveThoughts',
      { tenant: request.tenant, query: request.query, taskHint: request.taskHint ?? '', topK: 0 },
      this.deadlineMs,
    );
    return { prompt: res.augmentedPrompt || request.query, templates: res.templates.length };
  }

  close(): void {
    this.client?.close();
    this.client = null;
  }
}
