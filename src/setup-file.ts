import { readFile } from 'node:fs/promises';
import { gradingSetupUpdateSchema, type GradingSetupUpdate } from './domain/setup.js';
import type { CalendarDoc } from './db/types.js';

/** In a setup file, a grade calc option with this term id applies to each term of the calendar. */
export const EACH_TERM = '*';

/** Reads a grading-setup JSON file, with errors that name the file and the value to fix. */
export async function readSetupFile(file: string): Promise<GradingSetupUpdate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read setup file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`setup file ${file} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = gradingSetupUpdateSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`)
      .join('\n');
    throw new Error(`setup file ${file} is invalid:\n${issues}`);
  }
  return parsed.data;
}

/** Replaces each `"termId": "*"` grade calc option with one option per term of the calendar. */
export function expandTermTemplates(
  update: GradingSetupUpdate,
  calendar: Pick<CalendarDoc, 'terms'>,
): GradingSetupUpdate {
  if (!update.gradeCalcOptions) return update;
  const template = update.gradeCalcOptions.find((option) => option.termId === EACH_TERM);
  if (!template) return update;
  const explicit = update.gradeCalcOptions.filter((option) => option.termId !== EACH_TERM);
  const covered = new Set(explicit.map((option) => option.termId));
  const expanded = calendar.terms
    .filter((term) => !covered.has(term.id))
    .map((term) => ({ ...template, termId: term.id }));
  return { ...update, gradeCalcOptions: [...explicit, ...expanded] };
}
