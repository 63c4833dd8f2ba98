import './instrumentation';
import 'reflect-metadata';
import { ingestionContext } from '@fusion/ingestion';
import { runServiceFromEnv } from '@fusion/shared/runtime';
import { ingestionConfigShape, ingestionOptionsFrom } from '@fusion/composition';

void runServiceFromEnv({
  service: 'ingestion',
  grpcPort: 50051,
  httpPort: 8081,
  shape: ingestionConfigShape,
  contexts: (cfg) => [ingestionContext(ingestionOptionsFrom(cfg))],
});
