/** A judge's grading scale (FastChat single-answer grading uses 1..10). */
export interface JudgeScale {
  min: number;
  max: number;
}

export const FASTCHAT_JUDGE_SCALE: Readonly<JudgeScale> = { min: 1, max: 10 };

/**
 * A judge grade mapped linearly onto [0, 1]: (grade - min) / (max - min), so 1 -> 0 and 10 -> 1 on the 1..10
 * scale (dividing by 10 instead would leave 0..0.1 unused and make the worst grade look partly right).
 * Null for anything that is not a number on the scale: FastChat writes -1 or null when it cannot parse the
 * judge's output.
 */
export function judgeGradeToScore(grade: unknown, scale: JudgeScale = FASTCHAT_JUDGE_SCALE): number | null {
  if (typeof grade !== 'number' || !Number.isFinite(grade)) return null;
  if (grade < scale.min || grade > scale.max) return null;
  return (grade - scale.min) / (scale.max - scale.min);
}
