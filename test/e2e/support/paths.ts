import { resolve } from "node:path"

export const ROOT = resolve(import.meta.dirname, "../../..")
/** Where the builds are: dist/, or EPHEMERA_DIST when set (both for building and testing). */
const DIST = resolve(ROOT, process.env.EPHEMERA_DIST ?? "dist")
/**
 * The extension the browsers load: the test build (dist/test/…, the shipped
 * extension plus the panel's test globals the tests read), or the shipped
 * build itself with EPHEMERA_EXTENSION=shipped (npm start).
 */
const EXTENSION_DIST = process.env.EPHEMERA_EXTENSION === "shipped" ? DIST : resolve(DIST, "test")
export const CHROME_DIST = resolve(EXTENSION_DIST, "chrome")
export const FIREFOX_DIST = resolve(EXTENSION_DIST, "firefox")
/** The shipped builds (npm start, and the start test, load them). */
export const SHIPPED_CHROME_DIST = resolve(DIST, "chrome")
export const SHIPPED_FIREFOX_DIST = resolve(DIST, "firefox")
export const DEMO_DIST = resolve(DIST, "demo")
/** The fixture apps (test/e2e/fixture-apps), built by `npm run build:fixtures`. */
export const FIXTURE_APPS_DIST = resolve(DIST, "fixture-apps")
/** The automerge-repo demo page, served by its sync server. */
export const AUTOMERGE_DEMO_DIST = resolve(DIST, "demo-automerge")
export const PANEL_PATH = "devtools-panel/index.html"
/** The standalone panel's test build (npm run build:standalone). */
export const STANDALONE_PANEL_DIST = resolve(DIST, "test", "standalone-panel")
/** The standalone panel as shipped (npm start -- --standalone, and the package). */
export const SHIPPED_STANDALONE_PANEL_DIST = resolve(DIST, "standalone-panel")
