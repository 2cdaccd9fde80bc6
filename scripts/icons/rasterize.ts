/**
 * Renders the icon design at a pixel size: each pixel samples a grid of
 * points and takes the share of them a shape covers as its alpha, so edges
 * are smooth at 16 px as at 128. Pure arithmetic: the same bytes on every
 * machine.
 */
import { DESIGN_SIZE, type Shape } from "./design"

/** Samples per pixel along each axis. */
const GRID = 8

/** RGBA, row by row, not premultiplied. */
export function rasterize(shapes: readonly Shape[], size: number): Uint8Array {
  const pixels = new Uint8Array(size * size * 4)
  const unit = DESIGN_SIZE / size
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Premultiplied accumulation, over-compositing shape after shape.
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      for (const shape of shapes) {
        const coverage = cover(shape, x * unit, y * unit, unit)
        if (coverage === 0) continue
        r = shape.color[0] * coverage + r * (1 - coverage)
        g = shape.color[1] * coverage + g * (1 - coverage)
        b = shape.color[2] * coverage + b * (1 - coverage)
        a = coverage + a * (1 - coverage)
      }
      const at = (y * size + x) * 4
      pixels[at] = a === 0 ? 0 : Math.round(r / a)
      pixels[at + 1] = a === 0 ? 0 : Math.round(g / a)
      pixels[at + 2] = a === 0 ? 0 : Math.round(b / a)
      pixels[at + 3] = Math.round(a * 255)
    }
  }
  return pixels
}

/** The share of the pixel [left, left+unit) x [top, top+unit) inside the shape. */
function cover(shape: Shape, left: number, top: number, unit: number): number {
  let inside = 0
  for (let i = 0; i < GRID; i++) {
    for (let j = 0; j < GRID; j++) {
      if (contains(shape, left + ((j + 0.5) * unit) / GRID, top + ((i + 0.5) * unit) / GRID)) inside++
    }
  }
  return inside / (GRID * GRID)
}

function contains(shape: Shape, x: number, y: number): boolean {
  if (shape.kind === "circle") return (x - shape.cx) ** 2 + (y - shape.cy) ** 2 <= shape.r ** 2
  const { size, radius } = shape
  if (x < 0 || y < 0 || x > size || y > size) return false
  // Nearest point of the inner square whose corners the radius rounds.
  const nx = Math.min(Math.max(x, radius), size - radius)
  const ny = Math.min(Math.max(y, radius), size - radius)
  return (x - nx) ** 2 + (y - ny) ** 2 <= radius ** 2
}
