// Composition of bounded contexts: per-context configuration from the environment, cross-context wiring
// (benchmark sources), and the embedded all-in-one deployment. Only apps import this lib.
export * from './config/ingestion.config';
export * from './config/evaluation.config';
export * from './config/thought.config';
export * from './config/distillation.config';
export * from './benchmark-sources';
export * from './embedded/embedded.types';
export * from './embedded/embedded';
export * from './embedded/summary.renderer';
export * from './config/routing.config';
