/**
 * Generated gRPC contracts (ts-proto, nestJs=true), one namespace per package. Importing this module also
 * registers the google.protobuf.Struct wrapper with protobufjs, so Struct fields are plain objects on the wire API.
 * Regenerate with `npm run proto:gen`; never edit files under generated/.
 */
import './generated/google/protobuf/struct';

export * as commonV1 from './generated/fusion/common/v1/log_record';
export * as ingestionV1 from './generated/fusion/ingestion/v1/ingestion';
export * as evaluationV1 from './generated/fusion/evaluation/v1/evaluation';
export * as routingV1 from './generated/fusion/routing/v1/routing';
export * as thoughtV1 from './generated/fusion/thought/v1/thought';
export * as distillationV1 from './generated/fusion/distillation/v1/distillation';
