export type { FieldError } from './app-error.js';
export { AppError, isAppError } from './app-error.js';
export type { ErrorCode, ErrorCodeInfo } from './codes.js';
export { ERROR_CODES, PROBLEM_TYPE_BASE, problemTypeFor } from './codes.js';

import { AppError } from './app-error.js';
import { ERROR_CODES, type ErrorCode } from './codes.js';

/** Builds an AppError whose status comes from the registry, so a code cannot drift. */
export function appError(
  code: ErrorCode,
  options: Omit<import('./app-error.js').AppErrorOptions, 'status'> = {},
): AppError {
  return new AppError(code, { ...options, status: ERROR_CODES[code].status });
}
