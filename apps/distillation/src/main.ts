import './instrumentation';
import 'reflect-metadata';
import { distillationContext } from '@fusion/distillation';
import { runServiceFromEnv } from '@fusion/shared/runtime';
import { distillationConfigShape, distillationOptionsFrom } from '@fusion/composition';

void runServiceFromEnv({
  service: 'distillation',
  grpcPort: 50055,
  httpPort: 8085,
  shape: distillationConfigShape,
  contexts: (cfg) => [distillationContext(distillationOptionsFrom(cfg))],
});
