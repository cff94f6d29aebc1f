import { describe, expect, it } from 'vitest';
import { checkSplit, fillLeft, partsOf, splitInput, type PartDraft } from './split';

const part = (amount: string, category = '', note = ''): PartDraft => ({ amount, category, note });

describe('split arithmetic (exact)', () => {
  it('counts down what is left to assign, exactly', () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004: here the parts add up.
    expect(checkSplit('0.30', [part('0.1'), part('0.2')])).toMatchObject({ left: '0.00', ready: true, sendable: true });
    expect(checkSplit('50.00', [part('30'), part('')])).toMatchObject({ left: '20.00', ready: false, sendable: false });
    expect(checkSplit('50.00', [part('30'), part('25.5')])).toMatchObject({ left: '-5.50', ready: false, sendable: true });
    expect(checkSplit('100.00', [part('33.33'), part('33.33'), part('33.34')]).ready).toBe(true);
    expect(checkSplit('100.00', [part('33.33'), part('33.33'), part('33.33')]).left).toBe('0.01');
  });

  it('reads parts in the transaction’s direction: a refund’s parts are typed positive', () => {
    // Plaid's -40.00 is money in (a refund): 25 + 15 of it.
    const parts = [part('25'), part('15.00', 'FOOD_AND_DRINK_COFFEE', ' latte ')];
    expect(checkSplit('-40.00', parts)).toMatchObject({ left: '0.00', ready: true });
    expect(splitInput('t1', '-40.00', parts)).toEqual({
      transactionId: 't1',
      parts: [{ amount: '-25' }, { amount: '-15.00', category: 'FOOD_AND_DRINK_COFFEE', note: 'latte' }],
    });
    // Money out keeps Plaid's positive sign; a minus is the other way.
    expect(splitInput('t2', '12.00', [part('14'), part('-2')]).parts.map((p) => p.amount)).toEqual(['14', '-2']);
    expect(checkSplit('12.00', [part('14'), part('-2')]).ready).toBe(true);
  });

  it('names what is wrong with a part', () => {
    const c = checkSplit('10', [part('abc'), part('0'), part('')]);
    expect(c.problems).toEqual(['Not an amount (e.g. 12.50).', 'A part cannot be zero.', 'Type an amount.']);
    expect(c.sendable).toBe(false);
    // A zero part can be sent (the core names it); it is never "ready".
    expect(checkSplit('10', [part('10'), part('0')])).toMatchObject({ sendable: true, ready: false });
    // One part is no split.
    expect(checkSplit('10', [part('10')])).toMatchObject({ left: '0', sendable: false, ready: false });
  });

  it('starts from the stored split, in the typed direction, or two blank parts', () => {
    expect(partsOf('-40.00', [{ amount: '-25.00', category: 'INCOME', note: null }, { amount: '-15.00', category: null, note: 'gift' }])).toEqual([
      part('25.00', 'INCOME'),
      part('15.00', '', 'gift'),
    ]);
    expect(partsOf('5', [])).toEqual([part(''), part('')]);
  });

  it('"Rest" fills a part with what the others leave', () => {
    expect(fillLeft('87.13', [part('50'), part('12.01'), part('')], 2)[2]!.amount).toBe('25.12');
    expect(fillLeft('-10.00', [part('x'), part('')], 1)[1]!.amount).toBe('10.00');
  });
});
