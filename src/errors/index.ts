export type { FieldError } from './app-error.js';
export { AppError, appError, isAppError } from './app-error.js';
export type { ErrorCode, ErrorCodeInfo, HttpErrorCode } from './codes.js';
export {
  ERROR_CODES,
  isHttpErrorCode,
  PROBLEM_TYPE_BASE,
  problemTypeFor,
} from './codes.js';
export type { OperatorCodeInfo, OperatorErrorCode } from './operator-codes.js';
export { OPERATOR_CODES } from './operator-codes.js';
