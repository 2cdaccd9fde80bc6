/**
 * The committed icons are the design rendered at every size the stores ask
 * for, and the manifest names each of them.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import manifest from "../../manifest.json" with { type: "json" }
import { ICON, ICON_SIZES, iconFile } from "../../scripts/icons/design"
import { decodePng, encodePng } from "../../scripts/icons/png"
import { rasterize } from "../../scripts/icons/rasterize"

describe("icons", () => {
  it.each(ICON_SIZES)("icon-%i.png is the design rendered at that size (npm run icons writes it)", size => {
    const committed = decodePng(readFileSync(iconFile(size)))
    expect([committed.width, committed.height]).toEqual([size, size])
    expect(Buffer.from(committed.rgba).equals(Buffer.from(rasterize(ICON, size)))).toBe(true)
  })

  it("lists every size in the manifest", () => {
    expect(manifest.icons).toEqual(Object.fromEntries(ICON_SIZES.map(size => [String(size), `extension/icons/icon-${size}.png`])))
  })

  it("reads back what it writes, and smooths the edges it draws", () => {
    const pixels = rasterize(ICON, 32)
    expect(decodePng(encodePng(32, 32, pixels)).rgba).toEqual(pixels)
    // A corner pixel of the rounded tile is partly covered, neither empty nor full.
    const alphas = new Set(Array.from({ length: 32 * 32 }, (_, i) => pixels[i * 4 + 3]))
    expect([...alphas].some(alpha => alpha! > 0 && alpha! < 255)).toBe(true)
  })
})
