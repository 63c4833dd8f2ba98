import './instrumentation';
import 'reflect-metadata';
import { thoughtContext } from '@fusion/thought';
import { runServiceFromEnv } from '@fusion/shared/runtime';

void runServiceFromEnv({
  service: 'thought',
  grpcPort: 50054,
  httpPort: 8084,
  shape: {},
  contexts: () => [thoughtContext],
});
