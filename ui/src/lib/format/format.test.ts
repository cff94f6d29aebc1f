import { describe, expect, it, vi } from 'vitest';
import {
  defaultLocale,
  formatBalance,
  formatBalanceAmount,
  formatDate,
  formatDay,
  formatMoney,
  formatMonth,
  formatMonthShort,
  formatRelative,
  formatTransactionAmount,
  negateDecimal,
  netWorthContribution,
  toMinorUnits,
} from './format';

const usd = { isoCurrencyCode: 'USD', unofficialCurrencyCode: null };

describe('transaction amounts (Plaid positive = money out)', () => {
  it('shows money out as negative', () => {
    expect(formatTransactionAmount({ amount: '12.34', ...usd }, 'en-US')).toEqual({ text: '-$12.34', flow: 'out' });
  });
  it('shows money in as positive with a plus', () => {
    expect(formatTransactionAmount({ amount: '-1200', ...usd }, 'en-US')).toEqual({ text: '+$1,200.00', flow: 'in' });
  });
  it('shows zero unsigned', () => {
    expect(formatTransactionAmount({ amount: '0.00', ...usd }, 'en-US')).toEqual({ text: '$0.00', flow: 'none' });
  });
  it('formats per currency', () => {
    expect(formatTransactionAmount({ amount: '5', isoCurrencyCode: 'EUR', unofficialCurrencyCode: null }, 'de-DE').text).toBe('-5,00\u00a0€');
    expect(formatTransactionAmount({ amount: '1500', isoCurrencyCode: 'JPY', unofficialCurrencyCode: null }, 'en-US').text).toBe('-¥1,500');
    expect(formatTransactionAmount({ amount: '-20.5', isoCurrencyCode: 'GBP', unofficialCurrencyCode: null }, 'en-GB').text).toBe('+£20.50');
  });
  it('keeps exact decimals until the last digit shown', () => {
    expect(formatTransactionAmount({ amount: '-23631.9805', ...usd }, 'en-US').text).toBe('+$23,631.98');
    expect(formatTransactionAmount({ amount: '0.005', ...usd }, 'en-US').text).toBe('-$0.01');
    // A float would print 9007199254740993 as ...992.
    expect(formatTransactionAmount({ amount: '9007199254740993', ...usd }, 'en-US').text).toBe('-$9,007,199,254,740,993.00');
  });
  it('falls back to the unofficial currency, then to a plain number', () => {
    expect(formatTransactionAmount({ amount: '1', isoCurrencyCode: null, unofficialCurrencyCode: 'BTC' }, 'en-US').text).toBe('-BTC\u00a01.00');
    expect(formatTransactionAmount({ amount: '1', isoCurrencyCode: null, unofficialCurrencyCode: null }, 'en-US').text).toBe('-1.00');
  });
  it('rejects what is not a decimal', () => {
    expect(() => formatTransactionAmount({ amount: '1e3', ...usd }, 'en-US')).toThrow();
    expect(() => negateDecimal('abc')).toThrow();
  });
});

describe('balances', () => {
  it('shows a credit card debt as owed, unsigned', () => {
    expect(formatBalanceAmount('410', 'USD', 'credit', 'en-US')).toEqual({ text: '$410.00', note: 'owed' });
    expect(formatBalanceAmount('65262', 'USD', 'loan', 'en-US')).toEqual({ text: '$65,262.00', note: 'owed' });
  });
  it('shows an overpaid card as a credit', () => {
    expect(formatBalanceAmount('-12.5', 'USD', 'credit', 'en-US')).toEqual({ text: '$12.50', note: 'credit' });
  });
  it('shows asset balances signed as they are', () => {
    expect(formatBalanceAmount('110', 'USD', 'depository', 'en-US')).toEqual({ text: '$110.00', note: null });
    expect(formatBalanceAmount('-40', 'USD', 'depository', 'en-US')).toEqual({ text: '-$40.00', note: null });
  });
  it('formats current and available of a card; unknown values stay null', () => {
    const b = { available: '590', current: '410', limit: '1000', isoCurrencyCode: 'USD', unofficialCurrencyCode: null, fetchedAt: '', source: 'accounts_get' };
    expect(formatBalance(b, 'credit', 'en-US')).toEqual({ current: { text: '$410.00', note: 'owed' }, available: { text: '$590.00', note: null } });
    expect(formatBalance({ ...b, available: null }, 'depository', 'en-US').available).toBeNull();
    expect(formatBalance(null, 'depository')).toEqual({ current: null, available: null });
  });
  it('counts liabilities against net worth, exactly', () => {
    expect(netWorthContribution('110.10', 'depository')).toBe(11010);
    expect(netWorthContribution('410.005', 'credit')).toBe(-41001);
    expect(toMinorUnits('-0.1')).toBe(-10);
    expect(toMinorUnits('7')).toBe(700);
  });
  it('formats plain money with signDisplay', () => {
    expect(formatMoney('5', 'USD', { locale: 'en-US', signDisplay: 'exceptZero' })).toBe('+$5.00');
  });
});

describe('dates', () => {
  it('formats calendar dates without a time zone shift', () => {
    expect(formatDate('2024-03-01', 'en-US')).toBe('Mar 1, 2024');
    expect(formatDate('2024-12-31', 'en-US')).toBe('Dec 31, 2024');
  });
  it("formats a timestamp's day in the given time zone", () => {
    expect(formatDay('2026-12-11T23:30:00Z', 'en-US', 'UTC')).toBe('Dec 11, 2026');
    expect(formatDay('2026-12-11T23:30:00Z', 'en-US', 'Europe/Berlin')).toBe('Dec 12, 2026');
    expect(formatDay('not a time', 'en-US')).toBe('not a time');
  });
  it('formats months', () => {
    expect(formatMonth('2024-03', 'en-US')).toBe('Mar 2024');
    expect(formatMonthShort('2024-03', false, 'en-US')).toBe('Mar');
    expect(formatMonthShort('2024-01', false, 'en-US')).toBe('Jan');
    expect(formatMonthShort('2024-03', true, 'en-US')).toBe('Mar 2024');
  });
  it('says how long ago', () => {
    const now = new Date('2024-03-05T12:00:00Z');
    expect(formatRelative('2024-03-05T11:59:50Z', now, 'en-US')).toBe('just now');
    expect(formatRelative('2024-03-05T11:55:00Z', now, 'en-US')).toBe('5 minutes ago');
    expect(formatRelative('2024-03-04T12:00:00Z', now, 'en-US')).toBe('yesterday');
  });
});

describe('minor units and account kinds', () => {
  it('round-trips exactly', async () => {
    const { fromMinorUnits, accountKind } = await import('./format');
    expect(fromMinorUnits(-41001)).toBe('-410.01');
    expect(fromMinorUnits(5)).toBe('0.05');
    expect(fromMinorUnits(0)).toBe('0.00');
    expect(accountKind('credit', 'credit card')).toBe('Credit card');
    expect(accountKind('loan', null)).toBe('Loan');
  });

  it('writes acronym subtypes as people do', async () => {
    const { accountKind } = await import('./format');
    expect(accountKind('depository', 'cd')).toBe('CD');
    expect(accountKind('depository', 'hsa')).toBe('HSA');
    expect(accountKind('investment', 'sep ira')).toBe('SEP IRA');
    expect(accountKind('investment', 'simple ira')).toBe('SIMPLE IRA');
    expect(accountKind('investment', 'roth 401k')).toBe('Roth 401k');
    expect(accountKind('depository', 'paypal')).toBe('PayPal');
    expect(accountKind('depository', 'cash management')).toBe('Cash management');
    expect(accountKind('investment', 'non-taxable brokerage account')).toBe('Non-taxable brokerage account');
  });

  it('writes Plaid categories as words, and leaves other text alone', async () => {
    const { categoryLabel } = await import('./format');
    expect(categoryLabel('RENT_AND_UTILITIES')).toBe('Rent and utilities');
    expect(categoryLabel('TRANSFER_OUT')).toBe('Transfer out');
    expect(categoryLabel('Groceries')).toBe('Groceries');
  });
});

describe('chart labels', () => {
  it('shortens axis amounts', async () => {
    const { formatAxisMoney, formatChartMoney } = await import('./format');
    expect(formatAxisMoney(12500, 'USD', 'en-US')).toBe('$13K');
    expect(formatAxisMoney(950, 'USD', 'en-US')).toBe('$950');
    expect(formatAxisMoney(-2.5, 'USD', 'en-US')).toBe('-$2.50');
    expect(formatAxisMoney(0, 'USD', 'en-US')).toBe('$0');
    expect(formatChartMoney(1234.5, 'USD', 'en-US')).toBe('$1,234.50');
  });
});

describe('defaultLocale', () => {
  it('falls back to en-US when the system locale is no BCP 47 tag (WebKitGTK says "C" without LANG)', () => {
    const spy = vi.spyOn(navigator, 'language', 'get').mockReturnValue('C');
    try {
      expect(defaultLocale()).toBe('en-US');
      expect(() => formatMoney('1.00', 'USD')).not.toThrow();
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps a real system locale', () => {
    const spy = vi.spyOn(navigator, 'language', 'get').mockReturnValue('de-DE');
    try {
      expect(defaultLocale()).toBe('de-DE');
    } finally {
      spy.mockRestore();
    }
  });
});
