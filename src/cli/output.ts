import { AppError } from '../platform/errors.js';
import { t } from '../platform/i18n/i18n.js';

/** A refusal the CLI reports as is, in Chinese first and English second. */
export class CliError extends Error {
  constructor(
    zh: string,
    en: string,
    readonly exitCode = 1,
  ) {
    super(`${zh} / ${en}`);
    this.name = 'CliError';
  }
}

/** One line of output, Chinese first, English second. */
export function say(zh: string, en: string): void {
  console.log(`${zh} / ${en}`);
}

export function warn(zh: string, en: string): void {
  console.error(`${zh} / ${en}`);
}

/** The text of any error, bilingual where we know the words. */
export function describeError(err: unknown): string {
  if (err instanceof AppError) {
    const zh = t('zh-CN', `error.${err.code}`, err.params);
    const en = t('en', `error.${err.code}`, err.params);
    const details = err.details ? ` ${JSON.stringify(err.details)}` : '';
    return `${zh} / ${en}${details}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
