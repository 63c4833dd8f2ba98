import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only event log. `global_position` orders all events; (stream_id, stream_version) is unique. */
@Entity({ name: 'events' })
@Index('events_stream_version_uq', ['streamId', 'streamVersion'], { unique: true })
export class StoredEventEntity {
  @PrimaryGeneratedColumn({ name: 'global_position', type: 'bigint' })
  globalPosition!: string;

  @Column({ name: 'event_id', type: 'uuid', unique: true })
  eventId!: string;

  @Column({ name: 'stream_id', type: 'text' })
  streamId!: string;

  @Column({ name: 'stream_version', type: 'integer' })
  streamVersion!: number;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'schema_version', type: 'integer' })
  schemaVersion!: number;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ type: 'jsonb' })
  data!: unknown;

  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
