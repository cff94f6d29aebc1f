/**
 * Geometry of the virtual transaction list: fixed row height, only the visible rows exist
 * in the DOM. Browsers cap an element's height (~33 M px in WebKit and Chromium), and a
 * million 40 px rows is 40 M px, so past `maxPx` the scroll range is scaled: the scrollbar
 * maps proportionally onto the rows.
 */
export const MAX_SCROLL_PX = 15_000_000;

export interface WindowInput {
  total: number;
  rowHeight: number;
  viewportHeight: number;
  scrollTop: number;
  maxPx?: number;
}

export interface WindowGeometry {
  /** Height of the scrollable spacer. */
  spacerPx: number;
  /** First row (partly) visible. */
  first: number;
  /** Rows to render from `first`. */
  count: number;
  /** Where the block of rendered rows sits inside the spacer. */
  translateY: number;
}

export function virtualWindow({ total, rowHeight, viewportHeight, scrollTop, maxPx = MAX_SCROLL_PX }: WindowInput): WindowGeometry {
  const contentPx = total * rowHeight;
  const spacerPx = Math.min(contentPx, maxPx);
  const maxScroll = Math.max(0, spacerPx - viewportHeight);
  const contentScroll = Math.max(0, contentPx - viewportHeight);
  const top = Math.min(Math.max(scrollTop, 0), maxScroll);
  const contentTop = maxScroll > 0 ? (top / maxScroll) * contentScroll : 0;
  const first = Math.min(Math.floor(contentTop / rowHeight), Math.max(0, total - 1));
  const offset = contentTop - first * rowHeight;
  const count = Math.max(0, Math.min(total - first, Math.ceil(viewportHeight / rowHeight) + 1));
  return { spacerPx, first, count, translateY: top - offset };
}

/** The scrollTop that puts row `index` at the top of the viewport. */
export function scrollTopFor(index: number, { total, rowHeight, viewportHeight, maxPx = MAX_SCROLL_PX }: Omit<WindowInput, 'scrollTop'>): number {
  const contentPx = total * rowHeight;
  const spacerPx = Math.min(contentPx, maxPx);
  const maxScroll = Math.max(0, spacerPx - viewportHeight);
  const contentScroll = Math.max(0, contentPx - viewportHeight);
  if (contentScroll === 0) return 0;
  const contentTop = Math.min(Math.max(index, 0) * rowHeight, contentScroll);
  return (contentTop / contentScroll) * maxScroll;
}
