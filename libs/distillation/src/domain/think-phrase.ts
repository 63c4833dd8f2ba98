// The think-mode instruction wherever a prompt template put it (appended with or without a final period,
// or inside the template), so a think row's query reads as the direct one.
const THINK_PHRASE = /\s*let['’]?s\s+think\s+step\s+by\s+step\s*[.!]?/gi;

/** The query without the step-by-step instruction, trimmed (other whitespace is kept as sent). */
export function stripThinkPhrase(query: string): string {
  return query.replace(THINK_PHRASE, '').trim();
}
