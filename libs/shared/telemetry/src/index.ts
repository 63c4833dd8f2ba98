export * from './start-telemetry';
export * from './logger';
export * from './nest-logger';
export * from './metrics';
export * from './trace-context';
export * from './request-log.span-processor';
