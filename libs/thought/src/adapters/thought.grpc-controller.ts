import { Controller } from '@nestjs/common';
import type { thoughtV1 } from '@fusion/contracts/grpc';
import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import { GrpcMethod } from '@nestjs/microservices';

const NOT_YET =
  'thought-level fusion (template building and retrieval) is specified in proto but not implemented in this release';

@Controller()
export class ThoughtGrpcController {
  @GrpcMethod('ThoughtService', 'BuildTemplates')
  buildTemplates(_req: thoughtV1.BuildTemplatesRequest): thoughtV1.BuildTemplatesResponse {
    throw new DomainError(ErrorCode.Unimplemented, NOT_YET);
  }

  @GrpcMethod('ThoughtService', 'RetrieveThoughts')
  retrieveThoughts(_req: thoughtV1.RetrieveThoughtsRequest): thoughtV1.RetrieveThoughtsResponse {
    throw new DomainError(ErrorCode.Unimplemented, NOT_YET);
  }
}
