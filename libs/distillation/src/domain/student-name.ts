import { DomainError } from '@fusion/shared/kernel';

const STUDENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._\-/:]{0,199}$/;

/** A student name: letters, digits, '.', '_' and '-', at most 63, starting alphanumeric. */
export function validateStudentName(name: string): string {
  if (!STUDENT_NAME.test(name)) {
    throw DomainError.invalidArgument(
      'student_name',
      `'${name}' is not a valid name: use letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`,
    );
  }
  return name;
}

/** A base model id as a hub or local path (`org/name`), no spaces or shell characters. */
export function validateBaseModel(model: string): string {
  if (!MODEL_ID.test(model)) {
    throw DomainError.invalidArgument(
      'base_model',
      `'${model}' is not a model id: use a Hugging Face id such as meta-llama/Llama-3.1-8B-Instruct`,
    );
  }
  return model;
}

/** The default student name: the base model's last path part, the setting and the job's short id. */
export function defaultStudentName(baseModel: string, setting: string, shortId: string): string {
  const base = (baseModel.split('/').pop() ?? 'student').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 32);
  return `${base}-${setting}-sft-${shortId}`.replace(/^[^A-Za-z0-9]+/, '').slice(0, 63);
}
