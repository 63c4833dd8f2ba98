export * from './adapters/thought.module';
