/**
 * Imported first by main.ts, before anything that formats at import time (uPlot builds an
 * `Intl.NumberFormat(navigator.language)` when its module loads). WebKitGTK reports a POSIX
 * locale ("C", when LANG is unset, as on a headless machine) as `navigator.language`, which
 * is no BCP 47 tag: `Intl` throws a RangeError and the whole UI would fail to start. When the
 * reported language is not one `Intl` accepts, report the locale `Intl` would choose instead.
 */
export function acceptedLanguage(language: string | undefined): string | null {
  if (!language) return null;
  try {
    Intl.getCanonicalLocales(language);
    return null;
  } catch {
    return new Intl.NumberFormat().resolvedOptions().locale || 'en-US';
  }
}

const replacement = typeof navigator === 'undefined' ? null : acceptedLanguage(navigator.language);
if (replacement) {
  Object.defineProperty(Navigator.prototype, 'language', { configurable: true, get: () => replacement });
}
