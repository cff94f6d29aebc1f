import { describe, expect, it } from 'vitest';
import { acceptedLanguage } from './locale-guard';

describe('locale guard', () => {
  it('replaces a POSIX locale Intl rejects', () => {
    const replacement = acceptedLanguage('C');
    expect(replacement).not.toBeNull();
    expect(() => new Intl.NumberFormat(replacement!)).not.toThrow();
  });

  it('leaves real languages alone', () => {
    expect(acceptedLanguage('de-DE')).toBeNull();
    expect(acceptedLanguage('en')).toBeNull();
    expect(acceptedLanguage(undefined)).toBeNull();
  });
});
