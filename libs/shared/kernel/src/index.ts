export * from './domain-error';
export * from './clock.port';
export * from './ids';
export * from './seeded-random';
