import './instrumentation';
import 'reflect-metadata';
import { evaluationContext } from '@fusion/evaluation';
import { runServiceFromEnv } from '@fusion/shared/runtime';
import { ingestionBenchmarkFileLoader, routingStrategyTrainers } from '@fusion/composition';
import { evaluationConfigShape, evaluationOptionsFrom } from '@fusion/composition';

void runServiceFromEnv({
  service: 'evaluation',
  grpcPort: 50052,
  httpPort: 8082,
  shape: evaluationConfigShape,
  contexts: (cfg) => [
    evaluationContext({
      ...evaluationOptionsFrom(cfg),
      loadBenchmarkFile: ingestionBenchmarkFileLoader,
      strategyTrainers: routingStrategyTrainers,
    }),
  ],
});
