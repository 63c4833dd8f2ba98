export * from './wait-for';
export * from './test-service';
export * from './fake-openai';
export * from './infra';
