import type { SeededRandom } from '@fusion/shared/kernel';
import type { DemoAnswerKind } from './demo-catalog';

/** One synthetic query: its prompt, ground truth, and the answer text a right and a wrong response carry. */
export interface DemoQueryText {
  text: string;
  groundTruth: string;
  right: string;
  wrong: string;
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ven',
  'dra',
  'sul',
  'tor',
  'bel',
  'qui',
  'nex',
  'ro',
  'fa',
  'zen',
  'ul',
  'mar',
  'pi',
];

function between(rng: SeededRandom, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

function pick<T>(rng: SeededRandom, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

/** A made-up word, so no synthetic "fact" can be mistaken for a real one. */
function pseudoWord(rng: SeededRandom): string {
  let w = '';
  const n = 2 + rng.int(2);
  for (let i = 0; i < n; i++) w += pick(rng, SYLLABLES);
  return w;
}

function distinctWords(rng: SeededRandom, n: number): string[] {
  const out = new Set<string>();
  while (out.size < n) out.add(pseudoWord(rng));
  return [...out];
}

function offBy(rng: SeededRandom, n: number): number {
  return n + (rng.next() < 0.5 ? -1 : 1) * between(rng, 1, 9);
}

const LETTERS = ['A', 'B', 'C', 'D'];
const SUBJECTS: Readonly<Record<string, readonly string[]>> = {
  commonsense_qa: ['everyday life', 'household', 'social situations'],
  arc_challenge: ['earth science', 'biology', 'physics'],
  mmlu: ['history', 'economics', 'law', 'philosophy', 'statistics'],
  gpqa: ['quantum chemistry', 'molecular biology', 'astrophysics'],
};

/**
 * Builds the text of query `index` of a task. `hard` queries are longer, take more steps and say so
 * ("Advanced ... several steps"), which is what lets a router learn difficulty from the text.
 */
export function demoQueryText(
  rng: SeededRandom,
  kind: DemoAnswerKind,
  paperTask: string,
  index: number,
  hard: boolean,
): DemoQueryText {
  const tag = `[synthetic #${index}]`;
  const level = hard ? 'Advanced question that takes several steps' : 'Basic question';
  switch (kind) {
    case 'gsm8k': {
      const a = between(rng, 3, 12);
      const b = between(rng, 4, 15);
      const c = between(rng, 1, a * b - 1);
      if (!hard) {
        const ans = a * b - c;
        return {
          text: `${tag} ${level}. Answer the following question.\nQuestion: A demo shop has ${a} crates with ${b} items each and sells ${c} items. How many items are left?`,
          groundTruth: `${a} * ${b} = ${a * b}. ${a * b} - ${c} = ${ans}.\n#### ${ans}`,
          right: `The answer is ${ans}.`,
          wrong: `The answer is ${offBy(rng, ans)}.`,
        };
      }
      const d = between(rng, 2, 9);
      const e = between(rng, 1, 20);
      const ans = a * b - c + d * b - e;
      return {
        text: `${tag} ${level}. Answer the following question.\nQuestion: A demo warehouse has ${a} crates with ${b} items each. It sells ${c} items, then receives ${d} more crates of ${b} items, and finally returns ${e} items to a supplier. How many items does it hold now?`,
        groundTruth: `${a} * ${b} = ${a * b}. ${a * b} - ${c} = ${a * b - c}. ${d} * ${b} = ${d * b}. ${a * b - c} + ${d * b} - ${e} = ${ans}.\n#### ${ans}`,
        right: `The answer is ${ans}.`,
        wrong: `The answer is ${offBy(rng, ans)}.`,
      };
    }
    case 'math': {
      const a = between(rng, 2, 9);
      const x = between(rng, -12, 12);
      const b = between(rng, 1, 30);
      if (!hard) {
        return {
          text: `${tag} ${level}. Solve for x and put only the answer inside \\boxed{}: ${a}x + ${b} = ${a * x + b}.`,
          groundTruth: `Subtract ${b} from both sides and divide by ${a}: x = \\boxed{${x}}`,
          right: `So x = \\boxed{${x}}.`,
          wrong: `So x = \\boxed{${offBy(rng, x)}}.`,
        };
      }
      const c = between(rng, 1, 20);
      const d = between(rng, 1, 50);
      const ans = x * x - d;
      return {
        text: `${tag} ${level}. Put only the answer inside \\boxed{}. If ${a}(x - ${b}) + ${c} = ${a * (x - b) + c}, what is the value of x^2 - ${d}?`,
        groundTruth: `Expanding gives x = ${x}, so x^2 - ${d} = ${x * x} - ${d} = \\boxed{${ans}}`,
        right: `Therefore the value is \\boxed{${ans}}.`,
        wrong: `Therefore the value is \\boxed{${offBy(rng, ans)}}.`,
      };
    }
    case 'mbpp': {
      const fn = `synthetic_fn_${index}`;
      const k = between(rng, 2, 9);
      const c = between(rng, 1, 9);
      const f = hard
        ? (n: number) => Array.from({ length: n }, (_, i) => k * i + c).reduce((s, v) => s + v, 0)
        : (n: number) => k * n + c;
      const asserts = [1, 3, 5].map((n) => `assert ${fn}(${n}) == ${f(n)}`).join('\n');
      const task = hard
        ? `returns the sum of ${k} * i + ${c} for every i from 0 to n - 1 (several steps: loop, multiply, add, sum)`
        : `returns ${k} times n plus ${c}`;
      const body = hard ? `return sum(${k} * i + ${c} for i in range(n))` : `return ${k} * n + ${c}`;
      const bad = hard ? `return sum(${k} * i + ${c} for i in range(1, n))` : `return ${k} * n - ${c}`;
      return {
        text: `${tag} ${level}. You are an expert Python programmer, and here is your task: Write a function ${fn}(n) that ${task}. Your code should pass these tests:\n\n${asserts}\n\nWrite the code only, as [BEGIN] <code> [Done].`,
        groundTruth: asserts,
        right: `[BEGIN]\ndef ${fn}(n):\n    ${body}\n[Done]`,
        wrong: `[BEGIN]\ndef ${fn}(n):\n    ${bad}\n[Done]`,
      };
    }
    case 'human_eval': {
      const fn = `synthetic_he_${index}`;
      const k = between(rng, 2, 9);
      const values = [k, k + 1, k - 1, k + 4, k + 2];
      const doc = hard
        ? `Return the sum of the even values strictly greater than ${k}, plus the count of values equal to ${k}.`
        : `Return how many values are strictly greater than ${k}.`;
      const expected = hard
        ? values.filter((v) => v > k && v % 2 === 0).reduce((s, v) => s + v, 0) +
          values.filter((v) => v === k).length
        : values.filter((v) => v > k).length;
      const body = hard
        ? `return sum(v for v in values if v > ${k} and v % 2 == 0) + values.count(${k})`
        : `return sum(1 for v in values if v > ${k})`;
      const bad = hard
        ? `return sum(v for v in values if v >= ${k} and v % 2 == 0)`
        : `return sum(1 for v in values if v >= ${k})`;
      return {
        text: `${tag} ${level}. Complete the function body only, without repeating the signature, as [BEGIN] ... [DONE].\ndef ${fn}(values: list) -> int:\n    """${doc}"""\n`,
        groundTruth: `def check(candidate):\n    assert candidate([${values.join(', ')}]) == ${expected}\n\ncheck(${fn})`,
        right: `[BEGIN]\n    ${body}\n[DONE]`,
        wrong: `[BEGIN]\n    ${bad}\n[DONE]`,
      };
    }
    case 'multiple_choice': {
      const subject = pick(rng, SUBJECTS[paperTask] ?? ['general knowledge']);
      const options = distinctWords(rng, 4);
      const correct = rng.int(4);
      const wrongLetter = LETTERS[(correct + 1 + rng.int(3)) % 4] as string;
      const thing = pseudoWord(rng);
      const question = hard
        ? `In the invented ${subject} setting of ${thing}, after combining two earlier results, which term names the outcome of the second step?`
        : `In the invented ${subject} setting of ${thing}, which term is the right one?`;
      return {
        text: `${tag} ${level} (${subject}). Choose A, B, C or D and end with the letter in parentheses, e.g. (A).\nQuestion: ${question}\nOptions:\n${options.map((o, i) => `(${LETTERS[i]}) ${o}`).join('\n')}`,
        groundTruth: LETTERS[correct] as string,
        right: `The answer is (${LETTERS[correct]}).`,
        wrong: `The answer is (${wrongLetter}).`,
      };
    }
    case 'short_answer': {
      const [place, answer, other] = distinctWords(rng, 3) as [string, string, string];
      const thing = pick(rng, ['capital', 'river', 'festival', 'founder', 'mountain', 'currency']);
      const question = hard
        ? `Given that the ${thing} of ${place} was renamed twice, what is the ${thing} of ${place} called after the second renaming?`
        : `What is the ${thing} of the fictional land of ${place}?`;
      const text =
        paperTask === 'squad'
          ? `${tag} ${level}. Use the following context to answer the question.\n## Context: The fictional land of ${place} is known for its ${thing}, which is called ${answer}. Nearby ${other} is smaller.\n## Question: ${question}`
          : `${tag} ${level}. ${question}`;
      return {
        text,
        groundTruth: answer,
        right: `The answer is ${answer}.`,
        wrong: `The answer is ${other}.`,
      };
    }
    case 'boolean': {
      const [place, thing] = distinctWords(rng, 2) as [string, string];
      const truth = rng.next() < 0.5;
      const statement = hard
        ? `Taking both paragraphs into account, is it true that ${place} still produces ${thing} after the reform?`
        : `Is it true that ${place} produces ${thing}?`;
      return {
        text: `${tag} ${level}. Use the following context to answer the question.\n## Context: The fictional town of ${place} ${truth ? 'produces' : 'no longer produces'} ${thing}.\n## Question: ${statement} Your answer must be True or False.`,
        groundTruth: truth ? 'True' : 'False',
        right: truth ? 'True' : 'False',
        wrong: truth ? 'False' : 'True',
      };
    }
  }
}
