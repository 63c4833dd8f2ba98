import { describe, expect, it } from 'vitest';
import { parseJudgeOutput } from './judge-output.parser';
import { verdictFromOutput } from './judge-verdict';

describe('parseJudgeOutput', () => {
  it.each([
    ['anchor 0', '<answer>0</answer>', 0],
    ['anchor 0.3', '<answer>0.3</answer>', 0.3],
    ['anchor 0.6', 'Reasoning is partial. <answer>0.6</answer>', 0.6],
    ['anchor 0.8', '<answer>0.8</answer> because it is clear', 0.8],
    ['anchor 1.0', '<answer>1.0</answer>', 1],
    ['intermediate 0.20 (seen in the paper)', '<answer>0.20</answer>', 0.2],
    ['intermediate 0.10', '<answer>0.10</answer>', 0.1],
    ['intermediate 0.75', '<answer>0.75</answer>', 0.75],
    ['spaces inside the tag', '<answer>  0.6 </answer>', 0.6],
    ['newlines inside the tag', '<answer>\n0.8\n</answer>', 0.8],
    ['leading dot', '<answer>.5</answer>', 0.5],
    ['integer 1', '<answer>1</answer>', 1],
    ['exponent', '<answer>6e-1</answer>', 0.6],
    ['upper-case tag', '<ANSWER>0.3</ANSWER>', 0.3],
    ['first tag wins', '<answer>0.3</answer> on reflection <answer>0.9</answer>', 0.3],
  ])('%s -> %s', (_name, raw, score) => {
    const r = parseJudgeOutput(raw);
    expect(r).toEqual({ ok: true, score, clamped: false });
  });

  it.each([
    ['above 1', '<answer>1.5</answer>', 1],
    ['far above', '<answer>80</answer>', 1],
    ['below 0', '<answer>-0.2</answer>', 0],
  ])('clamps %s', (_name, raw, score) => {
    expect(parseJudgeOutput(raw)).toEqual({ ok: true, score, clamped: true });
  });

  it.each([
    ['no tag', 'I would give this 0.8'],
    ['unclosed tag', '<answer>0.8'],
    ['empty tag', '<answer></answer>'],
    ['blank tag', '<answer>   </answer>'],
    ['words', '<answer>high</answer>'],
    ['placeholder echoed', '<answer>SCORE</answer>'],
    ['number with words', '<answer>0.8 out of 1</answer>'],
    ['fraction', '<answer>4/5</answer>'],
    ['percentage', '<answer>80%</answer>'],
    ['nan', '<answer>nan</answer>'],
    ['infinity', '<answer>inf</answer>'],
    ['first tag is not a number, later one is', '<answer>SCORE</answer> <answer>0.6</answer>'],
    ['empty output', ''],
  ])('%s -> not a score', (_name, raw) => {
    const r = parseJudgeOutput(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
  });
});

describe('verdictFromOutput', () => {
  const meta = { judgeModel: 'judge-m', promptVersion: 'v1', attempts: 1 };

  it('keeps the raw text and score of a judged output', () => {
    expect(verdictFromOutput('<answer>0.6</answer>', meta)).toEqual({
      status: 'judged',
      score: 0.6,
      rawOutput: '<answer>0.6</answer>',
      error: null,
      ...meta,
    });
  });

  it('marks unparseable output not judged, with a null score and the raw text kept', () => {
    const v = verdictFromOutput('Great answer!', meta);
    expect(v.status).toBe('not_judged');
    expect(v.score).toBeNull();
    expect(v.rawOutput).toBe('Great answer!');
    expect(v.error?.kind).toBe('unparseable_output');
  });
});
