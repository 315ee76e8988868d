import { describe, expect, it } from 'vitest';
import { AppError, appError, ERROR_CODES, type ErrorCode, OPERATOR_CODES } from '../src/errors/index.js';
import { buildProblem } from '../src/http/problem.js';

/**
 * The codes are a closed union: the lines marked `@ts-expect-error` must fail to compile, so
 * `tsc --noEmit` (in .ci/run) fails the day a code outside the registry, or a hand-made
 * AppError, compiles again.
 */
describe('error codes are typed by the registry', () => {
  it('does not compile an unregistered code, nor an AppError made without appError', () => {
    const unregistered = () => {
      // @ts-expect-error 'NOT_A_REGISTERED_CODE' is in neither ERROR_CODES nor OPERATOR_CODES
      appError('NOT_A_REGISTERED_CODE');
      // @ts-expect-error the constructor is protected: appError(code) is the way to make one
      new AppError('HTTP_INTERNAL', {});
      // @ts-expect-error a comparison with a code no registry holds is a type error
      return appError('HTTP_INTERNAL').code === 'HTTP_INTERNAL_ERROR';
    };
    expect(typeof unregistered).toBe('function');
  });

  it('takes the status from the registry, 500 for an operator code', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect(appError(code).status).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES].status);
    }
    for (const code of Object.keys(OPERATOR_CODES) as ErrorCode[]) expect(appError(code).status).toBe(500);
  });

  it('keeps two registries apart: no code is both a client code and an operator code', () => {
    expect(Object.keys(OPERATOR_CODES).filter((code) => Object.hasOwn(ERROR_CODES, code))).toEqual([]);
  });

  it('answers an operator code as HTTP_INTERNAL, even when exposed', () => {
    for (const code of Object.keys(OPERATOR_CODES) as ErrorCode[]) {
      const problem = buildProblem(appError(code, { detail: 'internal detail', expose: true }), 'req-1');
      expect(problem).toEqual({
        type: 'https://bulwark.dev/problems/internal',
        title: 'Internal Server Error',
        status: 500,
        code: 'HTTP_INTERNAL',
        requestId: 'req-1',
      });
    }
  });
});
