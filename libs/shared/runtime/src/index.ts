export * from './tokens';
export * from './runtime.module';
export * from './bootstrap';
export * from './run-service';
