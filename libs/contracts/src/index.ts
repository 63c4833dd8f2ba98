export * from './log-record';
export * from './events/event-envelope';
export * from './events/event-types';
export * from './events/topics';
export * from './events/upcasters';
