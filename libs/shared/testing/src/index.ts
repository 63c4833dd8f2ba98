export * from './wait-for';
export * from './backbone.contract';
export * from './test-service';
export * from './fake-openai';
export * from './infra';
