import type { EventEnvelope } from './event-envelope';

/** Turns an event stored at `fromVersion` into `fromVersion + 1`. */
export type Upcaster = (data: unknown) => unknown;

/**
 * Registry of upcasters per event type. Readers call `upcast` on every stored or received envelope,
 * so old events are always seen in the current shape and writers only ever write the newest version.
 */
export class UpcasterRegistry {
  private readonly chains = new Map<string, Map<number, Upcaster>>();

  register(type: string, fromVersion: number, upcaster: Upcaster): this {
    const chain = this.chains.get(type) ?? new Map<number, Upcaster>();
    chain.set(fromVersion, upcaster);
    this.chains.set(type, chain);
    return this;
  }

  upcast<T>(envelope: EventEnvelope<unknown>, targetVersion: number): EventEnvelope<T> {
    let { data, schemaVersion } = envelope;
    const chain = this.chains.get(envelope.type);
    while (schemaVersion < targetVersion) {
      const step = chain?.get(schemaVersion);
      if (!step) {
        throw new Error(
          `no upcaster for ${envelope.type} v${schemaVersion} -> v${schemaVersion + 1} (event ${envelope.eventId})`,
        );
      }
      data = step(data);
      schemaVersion += 1;
    }
    return { ...envelope, schemaVersion, data: data as T };
  }
}

/** The platform's upcasters. Empty while every event type is at v1. */
export const upcasters = new UpcasterRegistry();
