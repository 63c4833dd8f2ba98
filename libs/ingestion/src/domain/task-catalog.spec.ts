import { describe, expect, it } from 'vitest';
import { TaskCatalog, defaultTaskCatalog, taskKey } from './task-catalog';

describe('TaskCatalog', () => {
  it.each([
    ['natural_qa', 'world_knowledge', 'cem'],
    ['trivia_qa', 'world_knowledge', 'cem'],
    ['squad', 'reading', 'cem'],
    ['boolq', 'reading', 'cem'],
    ['mmlu', 'popular', 'em_mc'],
    ['gpqa', 'popular', 'em_mc'],
    ['mbpp', 'code', 'code_eval'],
    ['human_eval', 'code', 'code_eval'],
    ['gsm8k', 'math', 'GSM8K'],
    ['math', 'math', 'MATH'],
    ['commonsense_qa', 'commonsense', 'em_mc'],
    ['openbook_qa', 'commonsense', 'em_mc'],
    ['arc_challenge', 'commonsense', 'em_mc'],
    ['hellaswag', 'commonsense', 'em_mc'],
  ])('maps the paper task %s to %s with metric %s', (task, domain, metric) => {
    expect(defaultTaskCatalog.domainOf(task)).toBe(domain);
    expect(defaultTaskCatalog.defaultMetricOf(task)).toBe(metric);
  });

  it('knows the 14 paper tasks', () => {
    const paper = defaultTaskCatalog
      .list()
      .filter((t) => !['winogrande', 'arena', 'unknown'].includes(t.name));
    expect(paper).toHaveLength(14);
  });

  it('resolves RouterBench eval names and arena to their domains', () => {
    expect(defaultTaskCatalog.domainOf('arc-challenge')).toBe('commonsense');
    expect(defaultTaskCatalog.find('arc-challenge')?.name).toBe('arc_challenge');
    expect(defaultTaskCatalog.domainOf('mbpp')).toBe('code');
    expect(defaultTaskCatalog.domainOf('winogrande')).toBe('commonsense');
    expect(defaultTaskCatalog.domainOf('arena-bench-v1')).toBe('general');
    expect(defaultTaskCatalog.domainOf('arena')).toBe('general');
  });

  it('resolves unknown tasks to general with no metric', () => {
    expect(defaultTaskCatalog.domainOf('my-private-eval')).toBe('general');
    expect(defaultTaskCatalog.defaultMetricOf('my-private-eval')).toBeNull();
    expect(defaultTaskCatalog.find('my-private-eval')).toBeNull();
    expect(defaultTaskCatalog.domainOf('unknown')).toBe('general');
  });

  it('matches names case-, dash- and space-insensitively', () => {
    expect(taskKey(' ARC-Challenge ')).toBe('arc_challenge');
    expect(defaultTaskCatalog.domainOf('Human Eval')).toBe('code');
  });

  it('accepts a custom catalog', () => {
    const c = new TaskCatalog([
      { name: 'legal_qa', domain: 'reading', defaultMetric: 'f1', aliases: ['lqa'] },
    ]);
    expect(c.domainOf('LQA')).toBe('reading');
    expect(c.domainOf('mmlu')).toBe('general');
  });
});
