/** A rule in people's words: "Merchant is exactly Starbucks" → "Set category to Coffee". */
import type { Action, Condition } from '../backend/types';
import { formatMoney } from '../format/format';
import { TEXT_OPS } from './rule-form';

export interface Labels {
  category: (code: string) => string;
  account: (accountId: string) => string;
}

const opText = (op: string) => TEXT_OPS.find((o) => o.id === op)?.label ?? op;
const money = (v: string) => formatMoney(v, null);

export function describeCondition(c: Condition, labels: Labels): string {
  switch (c.field) {
    case 'merchant':
      return `Merchant ${opText(c.op)} “${c.value}”`;
    case 'description':
      return `Description ${opText(c.op)} “${c.value}”`;
    case 'amount':
      if (c.min !== null && c.max !== null) return `Amount from ${money(c.min)} to ${money(c.max)}`;
      if (c.min !== null) return `Amount at least ${money(c.min)}`;
      return `Amount at most ${money(c.max ?? '0')}`;
    case 'direction':
      return c.direction === 'out' ? 'Money out' : 'Money in';
    case 'account':
      return `Account is ${labels.account(c.accountId)}`;
    case 'plaidCategory':
      return `Plaid's category is ${labels.category(c.category)}`;
  }
}

export function describeAction(a: Action, labels: Labels): string {
  switch (a.action) {
    case 'setCategory':
      return `Set category to ${labels.category(a.category)}`;
    case 'rename':
      return `Rename to “${a.name}”`;
    case 'addTag':
      return `Add tag “${a.tag}”`;
    case 'exclude':
      return 'Exclude from spending';
  }
}
