import { describe, expect, it } from 'vitest';
import { firstQueriesPerTask, groupByTaskAndQuery } from './query-groups';
import type { ThoughtResponse } from './thought-response';

function row(
  taskName: string,
  queryId: string,
  query: string,
  llm: string,
  promptMode: 'direct' | 'think' = 'direct',
): ThoughtResponse {
  return {
    recordId: `${queryId}-${llm}-${promptMode}`,
    queryId,
    taskName,
    query,
    llm,
    promptMode,
    response: 'r',
    performance: 1,
    judgeScore: null,
    costUsd: 0,
  };
}

describe('groupByTaskAndQuery', () => {
  it('puts direct and think rows of a query together, naming the query by its direct text', () => {
    const groups = groupByTaskAndQuery(
      [
        row('gsm8k', 'q1', "What is 2+2?\nLet's think step by step.", 'a', 'think'),
        row('gsm8k', 'q1', 'What is 2+2?', 'b'),
      ],
      10,
    );
    expect(groups).toHaveLength(1);
    expect(groups[0]?.queries[0]).toMatchObject({ queryId: 'q1', query: 'What is 2+2?' });
    expect(groups[0]?.queries[0]?.responses).toHaveLength(2);
  });

  it('strips the think phrase when only think rows exist', () => {
    const [task] = groupByTaskAndQuery(
      [row('mmlu', 'q9', "Pick one. Let's think step by step", 'a', 'think')],
      10,
    );
    expect(task?.queries[0]?.query).toBe('Pick one.');
  });

  it('keeps the first N queries per task in sorted order of their text, tasks sorted', () => {
    const groups = groupByTaskAndQuery(
      [
        row('math', 'q3', 'zeta', 'a'),
        row('math', 'q1', 'alpha', 'a'),
        row('math', 'q2', 'beta', 'a'),
        row('boolq', 'q4', 'x', 'a'),
      ],
      2,
    );
    expect(groups.map((g) => g.taskName)).toEqual(['boolq', 'math']);
    expect(groups[1]?.queries.map((q) => q.query)).toEqual(['alpha', 'beta']);
  });
});

describe('firstQueriesPerTask', () => {
  it('picks the first N queries of each task by text without the think instruction, tasks sorted', () => {
    const picked = firstQueriesPerTask(
      [
        { taskName: 'math', queryId: 'q3', query: "zeta\nLet's think step by step." },
        { taskName: 'math', queryId: 'q1', query: 'beta' },
        { taskName: 'math', queryId: 'q2', query: "alpha Let's think step by step" },
        { taskName: 'boolq', queryId: 'q4', query: 'x' },
      ],
      2,
    );
    expect(picked).toEqual([
      { taskName: 'boolq', queryId: 'q4', query: 'x' },
      { taskName: 'math', queryId: 'q2', query: 'alpha' },
      { taskName: 'math', queryId: 'q1', query: 'beta' },
    ]);
  });
});
