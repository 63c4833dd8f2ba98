import { Metadata } from '@grpc/grpc-js';
import { DomainError } from '@fusion/shared/kernel';
import { describe, expect, it } from 'vitest';
import { CliError, ExitCode, oneLine, toCliError } from './cli-error';

const grpcError = (code: number, details: string) =>
  Object.assign(new Error(details), { code, details, metadata: {} });

describe('toCliError', () => {
  it('maps UNAVAILABLE to "cannot reach" with the address and the fix, exit 3', () => {
    const e = toCliError(grpcError(14, 'No connection established'), {
      address: 'localhost:50051',
      rpc: 'RoutingService.RouteQuery',
    });
    expect(e.exitCode).toBe(ExitCode.Unreachable);
    expect(e.message).toBe(
      'cannot reach FusionFactory at localhost:50051: start it with `npm start` (or `npx fusion serve`) or pass --address <host:port> (env FUSION_ADDRESS)',
    );
  });

  it('an UNAVAILABLE the server sent (its error-code trailer) is its message, exit 1, not "cannot reach"', () => {
    const metadata = new Metadata();
    metadata.set('error-code', 'UNAVAILABLE');
    const e = toCliError(
      Object.assign(new Error('all 5 attempts failed'), {
        code: 14,
        details: 'all 5 attempts failed',
        metadata,
      }),
      { address: 'localhost:50051', rpc: 'RoutingService.RouteQuery' },
    );
    expect([e.exitCode, e.message]).toEqual([
      ExitCode.Failure,
      'RoutingService.RouteQuery: all 5 attempts failed',
    ]);
  });

  it('passes the server message through for INVALID_ARGUMENT (exit 2) and names the RPC', () => {
    const e = toCliError(grpcError(3, 'policy.alpha: must be >= 0'), { rpc: 'RoutingService.RouteQuery' });
    expect([e.exitCode, e.message]).toEqual([
      ExitCode.Usage,
      'RoutingService.RouteQuery: policy.alpha: must be >= 0',
    ]);
    expect(toCliError(grpcError(13, 'boom'), { address: 'h:1' })).toMatchObject({
      exitCode: ExitCode.Failure,
      message: 'server error at h:1: boom',
    });
    expect(toCliError(grpcError(4, 'late'), { address: 'h:1' }).exitCode).toBe(ExitCode.Unreachable);
  });

  it('maps DomainErrors by code: bad input is 2, the rest 1', () => {
    expect(toCliError(DomainError.invalidArgument('format', 'unknown')).exitCode).toBe(ExitCode.Usage);
    expect(toCliError(DomainError.failedPrecondition('no split')).exitCode).toBe(ExitCode.Usage);
    expect(toCliError(DomainError.unavailable('disk gone')).exitCode).toBe(ExitCode.Failure);
  });

  it('names the file of a file-system error, and the fix for the missing embedded deployment', () => {
    const enoent = Object.assign(new Error('ENOENT'), { code: 'ENOENT', path: 'logs.csv' });
    expect(toCliError(enoent)).toMatchObject({
      exitCode: ExitCode.Usage,
      message: 'file not found: logs.csv: check the path',
    });
    expect(toCliError(new Error('startEmbedded: not implemented yet')).message).toContain('pass --address');
  });

  it('keeps every message on one line', () => {
    expect(oneLine('a\n  b\n\nc   d')).toBe('a; b; c d');
    expect(new CliError('first\nsecond').message).toBe('first; second');
    expect(toCliError(new Error('x\ny')).message).toBe(
      'unexpected error: x; y (rerun with --verbose for details)',
    );
  });
});
