/**
 * The extension's icon, once, in a 128-unit square: three presence dots on
 * a dark rounded tile. Every size the stores ask for is rendered from this
 * (scripts/icons.ts); nothing is drawn by hand at any one size.
 */

export type Rgb = readonly [number, number, number]

export interface RoundedSquare {
  kind: "rounded-square"
  size: number
  radius: number
  color: Rgb
}

export interface Circle {
  kind: "circle"
  cx: number
  cy: number
  r: number
  color: Rgb
}

export type Shape = RoundedSquare | Circle

/** Units of the design square. */
export const DESIGN_SIZE = 128

/** Painted in order, each over the ones before. */
export const ICON: readonly Shape[] = [
  { kind: "rounded-square", size: DESIGN_SIZE, radius: 22, color: [32, 34, 44] },
  { kind: "circle", cx: 64, cy: 32, r: 20, color: [255, 120, 90] },
  { kind: "circle", cx: 35, cy: 87, r: 20, color: [90, 200, 255] },
  { kind: "circle", cx: 92, cy: 87, r: 20, color: [150, 230, 120] },
]

/** Every size Chrome Web Store and addons.mozilla.org ask for (toolbar, menus, listings, the devtools tab). */
export const ICON_SIZES = [16, 32, 48, 96, 128] as const

/** Where the rendered icon of a size lives (the manifest names these, relative to the root). */
export function iconFile(size: number): string {
  return new URL(`../../extension/icons/icon-${size}.png`, import.meta.url).pathname
}
