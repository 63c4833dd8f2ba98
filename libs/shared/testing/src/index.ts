export * from './wait-for';
export * from './backbone.contract';
