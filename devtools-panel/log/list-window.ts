/**
 * Which rows of a fixed-row-height list are on screen. Only those are
 * rendered; a spacer gives the scrollbar its full height. Browsers cap an
 * element's height (about 16.7 million px in Firefox), so a list taller than
 * MAX_SPACER_PX is scrolled proportionally instead of pixel for pixel.
 */
export const MAX_SPACER_PX = 8_000_000

export interface ListWindow {
  /** First row rendered. */
  first: number
  /** One past the last row rendered. */
  end: number
  /** Height of the scrolled content. */
  spacer: number
  /** Offset of a row's top from the content's top. */
  top(index: number): number
}

function scaleOf(count: number, rowHeight: number, viewport: number): { spacer: number; scale: number } {
  const total = count * rowHeight
  if (total <= MAX_SPACER_PX) return { spacer: total, scale: 1 }
  return { spacer: MAX_SPACER_PX, scale: (total - viewport) / Math.max(1, MAX_SPACER_PX - viewport) }
}

export function listWindow(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan = 4): ListWindow {
  const { spacer, scale } = scaleOf(count, rowHeight, viewport)
  const clamped = Math.max(0, Math.min(scrollTop, Math.max(0, spacer - viewport)))
  // Where the viewport's top falls in the unscaled list.
  const offset = clamped * scale
  const first = Math.max(0, Math.floor(offset / rowHeight) - overscan)
  const end = Math.min(count, Math.ceil((offset + viewport) / rowHeight) + overscan)
  return { first, end, spacer, top: index => clamped + index * rowHeight - offset }
}

/** The scrollTop that shows row `index` with the least movement from `scrollTop`. */
export function revealRow(index: number, count: number, rowHeight: number, scrollTop: number, viewport: number): number {
  const { spacer, scale } = scaleOf(count, rowHeight, viewport)
  const rowTop = (index * rowHeight) / scale
  const max = Math.max(0, spacer - viewport)
  if (scale !== 1) return Math.min(max, Math.max(0, rowTop - viewport / 2))
  if (rowTop < scrollTop) return rowTop
  if (rowTop + rowHeight > scrollTop + viewport) return Math.min(max, rowTop + rowHeight - viewport)
  return scrollTop
}

/** Scroll position of row `index` at the top (for keeping rows in place while older ones are evicted). */
export function scrollTopOfRow(index: number, count: number, rowHeight: number, viewport: number): number {
  const { spacer, scale } = scaleOf(count, rowHeight, viewport)
  return Math.min(Math.max(0, spacer - viewport), Math.max(0, (index * rowHeight) / scale))
}
