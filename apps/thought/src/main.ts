import './instrumentation';
import 'reflect-metadata';
import { thoughtContext } from '@fusion/thought';
import { runServiceFromEnv } from '@fusion/shared/runtime';
import { thoughtConfigShape, thoughtOptionsFrom } from '@fusion/composition';

void runServiceFromEnv({
  service: 'thought',
  grpcPort: 50054,
  httpPort: 8084,
  shape: thoughtConfigShape,
  contexts: (cfg) => [thoughtContext(thoughtOptionsFrom(cfg))],
});
