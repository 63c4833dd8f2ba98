export * from './message-bus.port';
export * from './delivery';
export * from './in-process-message-bus';
export * from './kafka-message-bus';
