import './instrumentation';
import 'reflect-metadata';
import { routingContext } from '@fusion/routing';
import { runServiceFromEnv } from '@fusion/shared/runtime';
import { routingConfigShape, routingOptionsFrom } from '@fusion/composition';

void runServiceFromEnv({
  service: 'routing',
  grpcPort: 50053,
  httpPort: 8083,
  shape: routingConfigShape,
  contexts: (cfg) => [routingContext(routingOptionsFrom(cfg))],
});
