import { resolve } from "node:path"

export const ROOT = resolve(import.meta.dirname, "../../..")
/** Where the builds are: dist/, or EPHEMERA_DIST when set (both for building and testing). */
const DIST = resolve(ROOT, process.env.EPHEMERA_DIST ?? "dist")
export const CHROME_DIST = resolve(DIST, "chrome")
export const FIREFOX_DIST = resolve(DIST, "firefox")
export const DEMO_DIST = resolve(DIST, "demo")
export const PANEL_PATH = "devtools-panel/index.html"
