import { describe, expect, it } from 'vitest';
import { describeError, describeFailure } from './errors';
import { PLAID_ERROR_CODES } from '../backend/types';

const plaid = (displayMessage: string | null) => ({
  errorType: 'ITEM_ERROR',
  errorCode: PLAID_ERROR_CODES.ITEM_LOCKED,
  errorMessage: 'the account is locked',
  displayMessage,
  requestId: 'req-1',
});

describe('describeError', () => {
  it("Plaid's display message, else the core's remedy, else the message as a sentence", () => {
    const remedy = 'The bank locked the account: unlock it on its website, then try again.';
    expect(describeError({ code: 'PLAID', message: 'failed', remedy, plaid: plaid('Too many attempts.') })).toEqual({ text: 'Too many attempts.', requestId: 'req-1', code: 'PLAID' });
    expect(describeError({ code: 'PLAID', message: 'failed', remedy, plaid: plaid(null) })).toEqual({ text: remedy, requestId: 'req-1', code: 'PLAID' });
    expect(describeError({ code: 'PLAID', message: 'failed', remedy, plaid: plaid('  ') }).text).toBe(remedy);
    expect(describeError({ code: 'STORAGE', message: 'disk full', remedy: null })).toEqual({ text: 'Disk full.', requestId: null, code: 'STORAGE' });
    expect(describeError({ code: 'IO', message: '', remedy: ' ' }).text).toBe('Something went wrong.');
  });

  it('a failure that never reached a command keeps its own text', () => {
    expect(describeError(new Error('boom'))).toEqual({ text: 'Something went wrong: boom', requestId: null, code: 'INTERNAL' });
    expect(describeError('no such command')).toMatchObject({ code: 'INTERNAL', text: 'Something went wrong: no such command' });
  });
});

describe('describeFailure', () => {
  it('keeps the message and the remedy apart', () => {
    expect(describeFailure({ code: 'INVALID_INPUT', message: 'the parts add up to 40, not 50', remedy: null })).toEqual({
      message: 'The parts add up to 40, not 50.', remedy: null, requestId: null, code: 'INVALID_INPUT',
    });
    expect(describeFailure({ code: 'STORAGE', message: 'disk full', remedy: 'Free some space.' })).toMatchObject({ message: 'Disk full.', remedy: 'Free some space.' });
    expect(describeFailure(new Error('boom'))).toMatchObject({ message: 'Something went wrong: boom', remedy: null, code: 'INTERNAL' });
  });
});
