import { resolve } from "node:path"

export const ROOT = resolve(import.meta.dirname, "../../..")
export const CHROME_DIST = resolve(ROOT, "dist/chrome")
export const FIREFOX_DIST = resolve(ROOT, "dist/firefox")
export const DEMO_DIST = resolve(ROOT, "dist/demo")
export const PANEL_PATH = "devtools-panel/index.html"
