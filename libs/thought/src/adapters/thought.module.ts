import { Module } from '@nestjs/common';
import type { ContextModuleSpec } from '@fusion/shared/runtime';
import { ThoughtGrpcController } from './thought.grpc-controller';

@Module({ controllers: [ThoughtGrpcController] })
export class ThoughtModule {}

export const thoughtContext: ContextModuleSpec = {
  module: ThoughtModule,
  grpc: [
    {
      package: 'fusion.thought.v1',
      protoFile: 'fusion/thought/v1/thought.proto',
      services: ['fusion.thought.v1.ThoughtService'],
    },
  ],
  persistence: {},
};
