/** Injection tokens of the shared infrastructure every context module may ask for. */
export const DATA_SOURCE = 'fusion:DataSource';
export const EVENT_STORE = 'fusion:EventStore';
export const MESSAGE_BUS = 'fusion:MessageBus';
export const INBOX = 'fusion:Inbox';
export const OUTBOX_RELAY = 'fusion:OutboxRelay';
export const PROJECTION_RUNNER = 'fusion:ProjectionRunner';
export const RUNTIME_INFO = 'fusion:RuntimeInfo';
export const CLOCK = 'fusion:Clock';
export const IDS = 'fusion:Ids';
