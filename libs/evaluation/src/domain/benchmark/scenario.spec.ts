import { DomainError, ErrorCode } from '@fusion/shared/kernel';
import { describe, expect, it } from 'vitest';
import { customScenario, parseScenario, resolveScenarios } from './scenario';
import { SCENARIOS } from './strategy';

describe('scenarios', () => {
  it('names the paper scenarios with their weights', () => {
    expect(parseScenario('performance_first')).toEqual({
      name: 'performance_first',
      alpha: 1,
      beta: 0,
      objective: 'performance',
    });
    expect(parseScenario('balance')).toMatchObject({ alpha: 0.5, beta: 0.5 });
    expect(parseScenario('cost_first')).toMatchObject({ alpha: 0.2, beta: 0.8 });
    expect(parseScenario('judge')).toMatchObject({ objective: 'judge' });
  });

  it('returns a copy, so callers cannot change SCENARIOS', () => {
    const s = parseScenario('balance');
    s.alpha = 9;
    expect(SCENARIOS.balance.alpha).toBe(0.5);
  });

  it.each(['custom:0.7,0.3', 'custom(0.7, 0.3)', '0.7,0.3'])('parses custom weights from %s', (text) => {
    expect(parseScenario(text)).toEqual({
      name: 'custom_a0p7_b0p3',
      alpha: 0.7,
      beta: 0.3,
      objective: 'performance',
    });
  });

  it('accepts an object with an optional name', () => {
    expect(parseScenario({ alpha: 1, beta: 2, name: 'mine' })).toMatchObject({
      name: 'mine',
      alpha: 1,
      beta: 2,
    });
  });

  it.each([
    ['custom:-1,0.5', 'scenario.alpha'],
    ['custom:0,0', 'scenario'],
    ['fastest', 'scenario'],
  ])('rejects %s naming %s', (text, field) => {
    try {
      parseScenario(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe(ErrorCode.InvalidArgument);
      expect((e as DomainError).violations[0]?.field).toBe(field);
    }
  });

  it('rejects a bad custom name and duplicate scenarios', () => {
    expect(() => customScenario(1, 0, 'has space')).toThrow(/scenario.name/);
    expect(() => resolveScenarios(['balance', 'balance'])).toThrow(/scenarios\[1\].*twice/);
    expect(() => resolveScenarios([])).toThrow(/at least one/);
  });
});
