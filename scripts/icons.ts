/**
 * `npm run icons`: renders extension/icons/icon-<size>.png at every size
 * the stores ask for, from the one design in icons/design.ts. The PNGs are
 * committed (the build only copies them); a unit test fails when they no
 * longer match the design.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { ICON, ICON_SIZES, iconFile } from "./icons/design"
import { encodePng } from "./icons/png"
import { rasterize } from "./icons/rasterize"

mkdirSync(new URL("../extension/icons/", import.meta.url), { recursive: true })
for (const size of ICON_SIZES) {
  writeFileSync(iconFile(size), encodePng(size, size, rasterize(ICON, size)))
  console.log(`wrote ${iconFile(size)}`)
}
