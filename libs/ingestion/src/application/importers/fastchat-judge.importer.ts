import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { judgeGradeToScore } from '../../domain/judge-scale';
import { estimateTokensFromText } from '../../domain/price-table';
import { RejectionReason } from '../../domain/rejection-reason';
import type { Detection, ImportContext, ImportItem, ImportOrigin, LogImporter } from './log-importer.port';
import { isDirectory, isFile, jsonlValues, listFiles, reject } from './source-rows';
import { validatedItem } from './validated-item';

const ANSWER_START = "[The Start of Assistant's Answer]\n";
const ANSWER_END = "\n[The End of Assistant's Answer]";

interface Question {
  turns: string[];
  category: string;
}

interface Answer {
  answerId: string | null;
  turns: string[];
  tstamp: number | null;
}

function asObject(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function stringTurns(v: unknown): string[] | null {
  return Array.isArray(v) && v.every((t) => typeof t === 'string') ? (v as string[]) : null;
}

/** Answer turns of a FastChat model_answer line (`choices[0].turns`). */
function answerOf(obj: Record<string, unknown>): Answer | null {
  const choices = obj['choices'];
  const first = Array.isArray(choices) ? asObject(choices[0]) : null;
  const turns = first ? stringTurns(first['turns']) : null;
  if (!turns) return null;
  return {
    answerId: typeof obj['answer_id'] === 'string' ? obj['answer_id'] : null,
    turns,
    tstamp: typeof obj['tstamp'] === 'number' && Number.isFinite(obj['tstamp']) ? obj['tstamp'] : null,
  };
}

/** The answer text the judge saw, cut out of its prompt; null when the markers are missing. */
export function judgedAnswerText(userPrompt: unknown): string | null {
  if (typeof userPrompt !== 'string') return null;
  // First start marker, last end marker: robust to an answer that quotes the markers itself.
  const start = userPrompt.indexOf(ANSWER_START);
  const end = userPrompt.lastIndexOf(ANSWER_END);
  if (start < 0 || end < 0) return null;
  const from = start + ANSWER_START.length;
  if (end < from - 1) return null;
  return userPrompt.slice(from, Math.max(end, from));
}

/** The root of a FastChat llm_judge layout: `path` or its one subdirectory holding question.jsonl. */
async function findRoot(path: string): Promise<string | null> {
  const isRoot = async (dir: string): Promise<boolean> =>
    (await isFile(join(dir, 'question.jsonl'))) &&
    ((await isDirectory(join(dir, 'model_answer'))) || (await isDirectory(join(dir, 'model_judgment'))));
  if (!(await isDirectory(path))) return null;
  if (await isRoot(path)) return path;
  const subdirs = (await readdir(path, { withFileTypes: true })).filter(
    (e) => e.isDirectory() && !e.name.startsWith('.'),
  );
  const roots: string[] = [];
  for (const d of subdirs) if (await isRoot(join(path, d.name))) roots.push(join(path, d.name));
  return roots.length === 1 ? (roots[0] ?? null) : null;
}

/** The judge model named in a `<root>/../<bench>_config.yaml` or `<root>/<bench>_config.yaml`, if any. */
async function judgeModel(root: string): Promise<string | null> {
  for (const dir of [root, join(root, '..')]) {
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const f of files.filter((n) => n.endsWith('_config.yaml')).sort()) {
      const text = await readFile(join(dir, f), 'utf8').catch(() => '');
      const m = /^judge_model:\s*["']?([^"'\s#]+)/m.exec(text);
      if (m?.[1]) return m[1];
    }
  }
  return null;
}

/**
 * FastChat llm_judge layout (`question.jsonl`, `model_answer/<model>.jsonl`, `model_judgment/*.jsonl`,
 * `reference_answer/*.jsonl`), single-answer grading on 1..10.
 * - One record per judgment: the judged model is the judgment's `model` field, not the file name
 *   (`gpt-4-turbo.jsonl` judges gpt-4-1106-preview; `*_judge_any.jsonl` judges llama-13b).
 * - The response is the answer the judge saw, cut from the judgment's `user_prompt`: for Llama-2-70b-chat
 *   and vicuna-33b-v1.3 the answer files were regenerated after judging; such records get
 *   `metadata.answerRegenerated`. The answer file is the fallback when the prompt has no markers.
 * - Judge score = (grade - 1) / 9; a grade of -1, null or off the scale is rejected `judge_unparseable`.
 * - Answers without a judgment are rejected `no_judgment`.
 * - The reference answer is the ground truth; cost is estimated (characters / 4 x list price) unless
 *   `estimateCost` is false, and marked so in metadata.
 */
export class FastChatJudgeImporter implements LogImporter {
  readonly format = 'fastchat' as const;

  async detect(path: string): Promise<Detection | null> {
    const root = await findRoot(path).catch(() => null);
    return root
      ? { format: this.format, confidence: 0.95, reason: `FastChat llm_judge layout at ${root}` }
      : null;
  }

  async *read(path: string, ctx: ImportContext): AsyncGenerator<ImportItem> {
    const root = (await findRoot(path)) ?? path;
    const questionsFile = join(root, 'question.jsonl');
    const questions = new Map<string, Question>();
    for await (const item of jsonlValues(questionsFile, ctx)) {
      if (item.kind === 'rejected') {
        yield item;
        continue;
      }
      const q = asObject(item.value);
      const turns = q ? stringTurns(q['turns']) : null;
      if (!q || typeof q['question_id'] !== 'string' || !turns || turns.length === 0) {
        yield reject(
          item.origin,
          RejectionReason.InvalidType,
          !q ? '(line)' : typeof q['question_id'] !== 'string' ? 'question_id' : 'turns',
          'a question needs a string question_id and a non-empty list of string turns',
        );
        continue;
      }
      questions.set(q['question_id'], {
        turns,
        category: typeof q['category'] === 'string' ? q['category'] : 'arena',
      });
    }

    const references = await this.loadReferences(root, ctx);
    const judge = (await judgeModel(root)) ?? 'gpt-4';
    const answerFiles = await this.answerFilesByModel(root, ctx);
    const judged = new Set<string>();
    const cached = { model: null as string | null, answers: new Map<string, Answer>() };

    const judgmentDir = join(root, 'model_judgment');
    const judgmentFiles = (await isDirectory(judgmentDir)) ? await listFiles(judgmentDir, ['.jsonl']) : [];
    for (const file of judgmentFiles) {
      for await (const item of jsonlValues(file, ctx)) {
        if (item.kind === 'rejected') {
          yield item;
          continue;
        }
        const j = asObject(item.value);
        const model = j?.['model'];
        const qid = j?.['question_id'];
        if (!j || typeof model !== 'string' || model === '' || typeof qid !== 'string') {
          yield reject(
            item.origin,
            RejectionReason.MissingField,
            !j ? '(line)' : typeof model !== 'string' || model === '' ? 'model' : 'question_id',
            'a judgment needs string model and question_id fields',
          );
          continue;
        }
        const turnRaw = j['turn'];
        const turn = typeof turnRaw === 'number' && Number.isInteger(turnRaw) && turnRaw >= 1 ? turnRaw : 1;
        if (cached.model !== model) {
          // One model's answers at a time: judgment files hold one model each.
          const answerFile = answerFiles.get(model);
          cached.model = model;
          cached.answers = answerFile ? await this.loadAnswers(answerFile, ctx) : new Map();
        }
        judged.add(`${model}\u0000${qid}\u0000${turn}`);
        yield this.judgmentItem(
          ctx,
          item.origin,
          j,
          model,
          qid,
          turn,
          questions,
          references,
          cached.answers.get(qid) ?? null,
          judge,
        );
      }
    }

    // Answers nobody judged (vicuna-7b/13b-v1.5 have no judgment file at all).
    for (const [model, file] of answerFiles) {
      for await (const item of jsonlValues(file, ctx)) {
        if (item.kind === 'rejected') {
          yield item;
          continue;
        }
        const a = asObject(item.value);
        const qid = a?.['question_id'];
        if (!a || typeof qid !== 'string') {
          yield reject(
            item.origin,
            RejectionReason.MissingField,
            'question_id',
            'an answer needs a string question_id',
            model,
          );
          continue;
        }
        const question = questions.get(qid);
        if (!question) {
          yield reject(
            item.origin,
            RejectionReason.UnknownQuestion,
            'question_id',
            `question ${qid} is not in question.jsonl`,
            model,
          );
          continue;
        }
        const missing = question.turns
          .map((_, i) => i + 1)
          .filter((t) => !judged.has(`${model}\u0000${qid}\u0000${t}`));
        if (missing.length > 0) {
          yield reject(
            item.origin,
            RejectionReason.NoJudgment,
            'model_judgment',
            `no judgment of ${model} on question ${qid}${question.turns.length > 1 ? ` (turns ${missing.join(', ')})` : ''}`,
            model,
          );
        }
      }
    }
  }

  private judgmentItem(
    ctx: ImportContext,
    origin: ImportOrigin,
    j: Record<string, unknown>,
    model: string,
    qid: string,
    turn: number,
    questions: Map<string, Question>,
    references: Map<string, string[]>,
    answer: Answer | null,
    judge: string,
  ): ImportItem {
    const question = questions.get(qid);
    const query = question?.turns[turn - 1];
    if (!question || query === undefined) {
      return reject(
        origin,
        RejectionReason.UnknownQuestion,
        'question_id',
        question ? `question ${qid} has no turn ${turn}` : `question ${qid} is not in question.jsonl`,
        model,
      );
    }
    const grade = j['score'];
    const score = judgeGradeToScore(grade);
    if (score === null) {
      const tail = typeof j['judgment'] === 'string' ? j['judgment'].slice(-80).replace(/\s+/g, ' ') : '';
      return reject(
        origin,
        RejectionReason.JudgeUnparseable,
        'score',
        `judge grade ${JSON.stringify(grade) ?? 'undefined'} is not on the 1-10 scale${tail ? ` (judgment ends: "${tail}")` : ''}`,
        model,
      );
    }
    const judgedText = judgedAnswerText(j['user_prompt']);
    const fileText = answer?.turns[turn - 1];
    const response = judgedText ?? fileText;
    if (response === undefined) {
      return reject(
        origin,
        RejectionReason.MissingField,
        'user_prompt',
        `the judged answer is neither in the judgment's user_prompt nor in model_answer for ${model}`,
        model,
      );
    }
    const regenerated =
      judgedText !== null && fileText !== undefined && judgedText.trim() !== fileText.trim();
    const metadata: Record<string, unknown> = {
      source: 'fastchat',
      questionId: qid,
      judge,
      judgeGrade: grade,
      judgeScale: '1-10',
      responseSource: judgedText !== null ? 'judgment' : 'answer',
    };
    if (answer?.answerId) metadata['answerId'] = answer.answerId;
    if (regenerated) metadata['answerRegenerated'] = true;
    if (turn > 1) metadata['turn'] = turn;

    let costUsd: number | null = null;
    if (ctx.estimateCost !== false) {
      costUsd = ctx.prices.costUsd(model, estimateTokensFromText(query), estimateTokensFromText(response));
      if (costUsd !== null) metadata['costEstimate'] = 'characters/4 tokens x list price';
    }
    const createdAt =
      answer?.tstamp !== null && answer?.tstamp !== undefined && !regenerated
        ? new Date(answer.tstamp * 1000).toISOString()
        : undefined;
    const reference = references.get(qid)?.[turn - 1] ?? null;
    return validatedItem(
      ctx,
      {
        task_name: question.category,
        query_id: turn > 1 ? `${qid}#${turn}` : qid,
        query,
        llm: model,
        prompt_mode: 'direct',
        response,
        ground_truth: reference,
        metric: 'llm_judge',
        judge_score: score,
        cost_usd: costUsd,
        created_at: createdAt,
        metadata,
      },
      origin,
      { judge_score: 'score', response: 'user_prompt', query: 'question.turns' },
    );
  }

  /** model_id -> answer file (from each file's first readable line; the file name as fallback). */
  private async answerFilesByModel(root: string, ctx: ImportContext): Promise<Map<string, string>> {
    const dir = join(root, 'model_answer');
    const out = new Map<string, string>();
    if (!(await isDirectory(dir))) return out;
    for (const file of await listFiles(dir, ['.jsonl'])) {
      let model: string | null = null;
      for await (const item of jsonlValues(file, ctx)) {
        if (item.kind === 'row') {
          const id = asObject(item.value)?.['model_id'];
          if (typeof id === 'string' && id !== '') model = id;
          break;
        }
      }
      out.set(model ?? basename(file, '.jsonl'), file);
    }
    return out;
  }

  /** One model's answers by question id (a few hundred lines: one benchmark's worth). */
  private async loadAnswers(file: string, ctx: ImportContext): Promise<Map<string, Answer>> {
    const out = new Map<string, Answer>();
    for await (const item of jsonlValues(file, ctx)) {
      if (item.kind !== 'row') continue;
      const obj = asObject(item.value);
      const qid = obj?.['question_id'];
      const answer = obj ? answerOf(obj) : null;
      if (typeof qid === 'string' && answer) out.set(qid, answer);
    }
    return out;
  }

  private async loadReferences(root: string, ctx: ImportContext): Promise<Map<string, string[]>> {
    const dir = join(root, 'reference_answer');
    const out = new Map<string, string[]>();
    if (!(await isDirectory(dir))) return out;
    const file = (await listFiles(dir, ['.jsonl']))[0];
    if (!file) return out;
    return this.loadAnswers(file, ctx).then((m) => {
      for (const [qid, a] of m) out.set(qid, a.turns);
      return out;
    });
  }
}
