import { describe, expect, it } from 'vitest';
import { baseConfigSchema, checkModeRequirements, ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const cfg = loadConfig(baseConfigSchema, {});
    expect(cfg.FUSION_MODE).toBe('embedded');
    expect(cfg.GRPC_PORT).toBe(50051);
    expect(cfg.DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable and the value it got', () => {
    let err: unknown;
    try {
      loadConfig(baseConfigSchema, { GRPC_PORT: 'abc', FUSION_MODE: 'cluster', KAFKA_BROKERS: 'nohostport' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain("GRPC_PORT: expected a port number (got 'abc')");
    expect(msg).toContain("FUSION_MODE: expected 'embedded' or 'distributed' (got 'cluster')");
    expect(msg).toContain('KAFKA_BROKERS: expected comma-separated host:port pairs');
  });

  it('parses broker lists and requires DATABASE_URL and KAFKA_BROKERS in distributed mode', () => {
    const cfg = loadConfig(baseConfigSchema, { KAFKA_BROKERS: 'a:9092, b:9093', FUSION_MODE: 'distributed' });
    expect(cfg.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(() => checkModeRequirements(cfg)).toThrow(/DATABASE_URL: required when FUSION_MODE=distributed/);
  });

  it('rejects a DATABASE_URL that is not a postgres URL', () => {
    expect(() => loadConfig(baseConfigSchema, { DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL/,
    );
  });
});
