import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RejectionReason } from '../../domain/rejection-reason';
import { importLogs } from '../import-logs/import-logs.handler';
import { FastChatJudgeImporter, judgedAnswerText } from './fastchat-judge.importer';
import { collect, countBy, type Collected } from './__fixtures__/import-context';
import { ARENA_DIR } from './__fixtures__/test-paths';

const ROOT = join(ARENA_DIR, 'arena-bench-v1');
const START = "[The Start of Assistant's Answer]\n";
const END = "\n[The End of Assistant's Answer]";

type Json = Record<string, unknown>;
const jsonl = (file: string): Json[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Json);

// Expected outcomes from the raw files, independent of the importer.
function facts() {
  const judgments = readdirSync(join(ROOT, 'model_judgment')).flatMap((f) =>
    jsonl(join(ROOT, 'model_judgment', f)),
  );
  const answers = readdirSync(join(ROOT, 'model_answer')).flatMap((f) =>
    jsonl(join(ROOT, 'model_answer', f)),
  );
  const valid = (s: unknown): s is number => typeof s === 'number' && s >= 1 && s <= 10;
  const judgedPairs = new Set(judgments.map((j) => `${String(j['model'])}|${String(j['question_id'])}`));
  const answerText = new Map(
    answers.map((a) => [
      `${String(a['model_id'])}|${String(a['question_id'])}`,
      ((a['choices'] as Json[])[0]?.['turns'] as string[])[0] ?? '',
    ]),
  );
  const isRegenerated = (j: Json): boolean => {
    const up = String(j['user_prompt']);
    const judged = up.slice(up.indexOf(START) + START.length, up.lastIndexOf(END));
    return judged.trim() !== answerText.get(`${String(j['model'])}|${String(j['question_id'])}`)?.trim();
  };
  const regenerated = countBy(judgments.filter(isRegenerated), (j) => String(j['model']));
  const regeneratedAccepted = countBy(
    judgments.filter((j) => isRegenerated(j) && valid(j['score'])),
    (j) => String(j['model']),
  );
  return {
    judgedModels: new Set(judgments.map((j) => String(j['model']))),
    answeredModels: new Set(answers.map((a) => String(a['model_id']))),
    accepted: judgments.filter((j) => valid(j['score'])).length,
    unparseable: judgments.filter((j) => !valid(j['score'])).length,
    unjudged: answers.filter((a) => !judgedPairs.has(`${String(a['model_id'])}|${String(a['question_id'])}`))
      .length,
    judgmentCount: judgments.length,
    regenerated,
    regeneratedAccepted,
  };
}

describe('FastChatJudgeImporter on arena-bench-v1', () => {
  const importer = new FastChatJudgeImporter();
  let expected: ReturnType<typeof facts>;
  let got: Collected;

  beforeAll(async () => {
    expected = facts();
    got = await collect(importer, ARENA_DIR);
  });

  it('matches the documented shape: 300 questions, 17 answered models, 15 judged', () => {
    expect(expected.answeredModels.size).toBe(17);
    expect(expected.judgedModels.size).toBe(15);
    expect(expected.judgmentCount).toBe(15 * 300);
  });

  it('accepts every judgment with a grade, rejects the rest per reason', () => {
    expect(got.records).toHaveLength(expected.accepted);
    expect(countBy(got.rejected, (r) => r.reason)).toEqual({
      [RejectionReason.JudgeUnparseable]: expected.unparseable,
      [RejectionReason.NoJudgment]: expected.unjudged,
    });
    expect([expected.accepted, expected.unparseable, expected.unjudged]).toEqual([4461, 39, 600]);
  });

  it('names the judged model from the judgment, not the file name', () => {
    const llms = new Set(got.records.map((r) => r.record.llm));
    expect(llms).toEqual(expected.judgedModels);
    const turbo = got.records.filter((r) => r.origin.file.endsWith('gpt-4-turbo.jsonl'));
    expect(new Set(turbo.map((r) => r.record.llm))).toEqual(new Set(['gpt-4-1106-preview']));
    const unjudged = countBy(
      got.rejected.filter((r) => r.reason === RejectionReason.NoJudgment),
      (r) => r.llm ?? '?',
    );
    expect(unjudged).toEqual({ 'vicuna-13b-v1.5': 300, 'vicuna-7b-v1.5': 300 });
  });

  it('takes the judged answer from the judgment and flags regenerated answers', () => {
    const flagged = countBy(
      got.records.filter((r) => r.record.metadata['answerRegenerated'] === true),
      (r) => r.record.llm,
    );
    // SOURCE.md: 195 of Llama-2-70b-chat's and 67 of vicuna-33b-v1.3's answers were regenerated after judging.
    expect(expected.regenerated).toEqual({ 'Llama-2-70b-chat': 195, 'vicuna-33b-v1.3': 67 });
    expect(flagged).toEqual(expected.regeneratedAccepted);
    for (const r of got.records) expect(r.record.metadata['responseSource']).toBe('judgment');
  });

  it('maps grades 1..10 to (grade - 1) / 9 and keeps the grade', () => {
    for (const { record } of got.records) {
      const grade = record.metadata['judgeGrade'] as number;
      expect(record.judgeScore).toBeCloseTo((grade - 1) / 9, 12);
      expect(record.performance).toBeNull();
    }
    expect(got.records.some((r) => r.record.judgeScore === 1)).toBe(true);
    expect(got.records.some((r) => r.record.judgeScore === 0)).toBe(true);
  });

  it('fills task, reference answer, judge and an estimated cost', () => {
    const r = got.records[0]?.record;
    expect(r).toMatchObject({
      taskName: 'arena-bench-v1',
      taskDomain: 'general',
      metric: 'llm_judge',
      promptMode: 'direct',
    });
    expect(r?.groundTruth?.length).toBeGreaterThan(0);
    expect(r?.metadata).toMatchObject({
      source: 'fastchat',
      judge: 'gpt-4',
      judgeScale: '1-10',
      costEstimate: expect.any(String),
    });
    expect(got.records.every((x) => x.record.costUsd !== null && x.record.costUsd >= 0)).toBe(true);
    expect(new Set(got.records.map((x) => x.record.queryId)).size).toBe(300);
  });

  it('reports the layout through importLogs with the same counts', async () => {
    const report = await importLogs({ path: ARENA_DIR, dryRun: true });
    expect(report).toMatchObject({
      format: 'fastchat',
      rowsRead: 4500 + 600,
      accepted: 4461,
      rejected: 639,
      rejectedByReason: { judge_unparseable: 39, no_judgment: 600 },
    });
  });
});

describe('FastChatJudgeImporter on a small broken layout', () => {
  it('rejects bad lines with reasons and still imports the good ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fastchat-'));
    mkdirSync(join(root, 'model_answer'));
    mkdirSync(join(root, 'model_judgment'));
    writeFileSync(
      join(root, 'question.jsonl'),
      [
        JSON.stringify({ question_id: 'q1', category: 'writing', turns: ['Write a haiku.'] }),
        JSON.stringify({ question_id: 'q2', turns: ['Add 2 and 2.'] }),
        '{"question_id": "q3", "turns": "not a list"}',
        JSON.stringify({ question_id: 'q4', turns: ['Never judged.'] }),
      ].join('\n') + '\n',
    );
    writeFileSync(
      join(root, 'model_answer', 'm.jsonl'),
      [
        JSON.stringify({
          question_id: 'q1',
          model_id: 'm',
          choices: [{ turns: ['Leaves fall'] }],
          tstamp: 1700000000,
        }),
        JSON.stringify({ question_id: 'q2', model_id: 'm', choices: [{ turns: ['4'] }] }),
        JSON.stringify({ question_id: 'q4', model_id: 'm', choices: [{ turns: ['ok'] }] }),
      ].join('\n') + '\n',
    );
    const prompt = (a: string): string => `[Question]\nq\n\n${START}${a}${END}`;
    writeFileSync(
      join(root, 'model_judgment', 'm.jsonl'),
      [
        JSON.stringify({
          question_id: 'q1',
          model: 'm',
          score: 8,
          user_prompt: prompt('Leaves fall'),
          judgment: 'Rating: [[8]]',
        }),
        JSON.stringify({
          question_id: 'q2',
          model: 'm',
          score: -1,
          user_prompt: prompt('4'),
          judgment: 'no rating',
        }),
        JSON.stringify({ question_id: 'q9', model: 'm', score: 5, user_prompt: prompt('?') }),
        '{"question_id": "q1", "model": ',
      ].join('\n'),
    );
    const got = await collect(new FastChatJudgeImporter(), root);
    expect(
      got.records.map((r) => [
        r.record.query,
        r.record.response,
        r.record.judgeScore,
        r.record.taskName,
        r.record.createdAt,
      ]),
    ).toEqual([['Write a haiku.', 'Leaves fall', 7 / 9, 'writing', '2023-11-14T22:13:20.000Z']]);
    expect(
      got.rejected.map((r) => [
        r.reason,
        r.violations[0]?.field,
        r.origin.file.split('/').slice(-1)[0],
        r.origin.line,
      ]),
    ).toEqual([
      [RejectionReason.InvalidType, 'turns', 'question.jsonl', 3],
      [RejectionReason.JudgeUnparseable, 'score', 'm.jsonl', 2],
      [RejectionReason.UnknownQuestion, 'question_id', 'm.jsonl', 3],
      [RejectionReason.Truncated, '(line)', 'm.jsonl', 4],
      [RejectionReason.NoJudgment, 'model_judgment', 'm.jsonl', 3],
    ]);
  });

  it('cuts the judged answer out of the judge prompt', () => {
    expect(judgedAnswerText(`x${START}hello\nworld${END}`)).toBe('hello\nworld');
    expect(judgedAnswerText(`x${START}${END}`)).toBe('');
    expect(judgedAnswerText('no markers')).toBeNull();
    expect(judgedAnswerText(42)).toBeNull();
  });
});
