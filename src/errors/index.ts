export type { AppErrorOptions, FieldError } from './app-error.js';
export { AppError, appError, isAppError } from './app-error.js';
export type { ErrorCode, ErrorCodeInfo, HttpErrorCode, OperatorCodeInfo, OperatorErrorCode } from './codes.js';
export {
  ERROR_CODES,
  isHttpErrorCode,
  OPERATOR_CODES,
  PROBLEM_TYPE_BASE,
  problemTypeFor,
  statusFor,
} from './codes.js';
