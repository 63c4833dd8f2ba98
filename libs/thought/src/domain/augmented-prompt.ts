/** A retrieved (question, template) pair, most similar first. */
export interface RetrievedThought {
  query: string;
  template: string;
}

/**
 * The final prompt in the paper's §4.2 shape: the similar questions with their templates, the new question
 * verbatim, then the instruction to use the templates, reason step by step and tag the answer.
 * Without templates it is the plain query (the zero-shot baseline).
 */
export function buildAugmentedPrompt(query: string, thoughts: readonly RetrievedThought[]): string {
  if (thoughts.length === 0) return query;
  const examples = thoughts.map(
    (t, i) => `Question${i + 1}: ${t.query.trim()}\nThought Template ${i + 1}: ${t.template.trim()}`,
  );
  return [
    'Here are some similar questions and guidelines in how to solve them:',
    '',
    examples.join('\n\n'),
    '',
    'Now, please solve the following question:',
    query,
    '',
    'Use the thought templates above as guidance. Reason step by step, and put your final answer within <answer></answer> tags.',
  ].join('\n');
}
