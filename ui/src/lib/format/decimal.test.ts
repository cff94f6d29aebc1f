import { describe, expect, it } from 'vitest';
import { abs, compareDecimals, isDecimal, negate, parseTypedAmount, sign, subtractDecimals, sumDecimals } from './decimal';

describe('exact decimals', () => {
  it('adds without float error', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['1234567890123.45', '0.55'])).toBe('1234567890124.00');
    expect(sumDecimals(['33.33', '33.33', '33.34'])).toBe('100.00');
    expect(sumDecimals(['-12.5', '2.25'])).toBe('-10.25');
    expect(sumDecimals([])).toBe('0');
    // Many small parts that floats would drift on.
    expect(sumDecimals(Array.from({ length: 1000 }, () => '0.01'))).toBe('10.00');
  });

  it('subtracts and keeps the larger scale', () => {
    expect(subtractDecimals('50.00', '30')).toBe('20.00');
    expect(subtractDecimals('0.3', '0.1')).toBe('0.2');
    expect(subtractDecimals('10', '10.00')).toBe('0.00');
    expect(subtractDecimals('1', '1.005')).toBe('-0.005');
    expect(subtractDecimals('-5', '-5')).toBe('0');
  });

  it('compares by value, not by text', () => {
    expect(compareDecimals('1.50', '1.5')).toBe(0);
    expect(compareDecimals('-0.01', '0')).toBe(-1);
    expect(compareDecimals('10', '9.999')).toBe(1);
    expect(sign('-0.00')).toBe(0);
    expect(sign('0.001')).toBe(1);
    expect(negate('12.50')).toBe('-12.50');
    expect(negate('-3')).toBe('3');
    expect(negate('0.00')).toBe('0.00');
    expect(abs('-4.20')).toBe('4.20');
  });

  it('refuses what is not a decimal', () => {
    expect(isDecimal('12.5')).toBe(true);
    expect(isDecimal('1e3')).toBe(false);
    expect(() => sumDecimals(['1', 'abc'])).toThrow(/not a decimal/);
  });
});

describe('parseTypedAmount', () => {
  it('reads amounts as people type them', () => {
    expect(parseTypedAmount(' 12.50 ')).toBe('12.50');
    expect(parseTypedAmount('$1,234.5')).toBe('1234.5');
    expect(parseTypedAmount('+7')).toBe('7');
    expect(parseTypedAmount('-3.25')).toBe('-3.25');
    expect(parseTypedAmount('.5')).toBe('0.5');
    expect(parseTypedAmount('5.')).toBe('5');
    expect(parseTypedAmount('-0')).toBe('0');
  });

  it('refuses anything else', () => {
    for (const bad of ['', '-', '.', 'abc', '1.2.3', '12,5', '1,23', '1e5', '1 2', '$$1', '0x10', 'NaN']) {
      expect(parseTypedAmount(bad), bad).toBeNull();
    }
  });
});
