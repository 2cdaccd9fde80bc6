/**
 * The panel page. Runs inside DevTools (tab id from inspectedWindow) or as a
 * plain extension page with ?tabId=N (tests, detached windows); the query
 * parameter wins. Everything that needs the extension APIs is wired here, so
 * the views stay testable without them.
 */
import { mount } from "svelte"
import browser from "webextension-polyfill"
import { collectErrorsForTests, reportErrorsForTests } from "../extension/test-seams/error-report"
import { PANEL_PORT } from "../protocol/messages"
import App from "./App.svelte"
import { inspectedEval, inspectedTabId } from "./env/inspected-window"
import { Reattacher } from "./reattach/reattacher"
import { RememberedRepos } from "./reattach/remembered-repos"
import { applyTheme, themeFor } from "./env/theme"
import { snapshotOf, type PanelStateSnapshot } from "./state/snapshot"
import { portTransport } from "./transport/port-transport"
import { Diagnostics } from "./ui/diagnostics.svelte"
import { PanelStore } from "./ui/panel-store.svelte"
import { PanelSettings } from "./ui/settings.svelte"
import { RecordingSession } from "./views/recording/recording-session.svelte"
import { exposeRecordingForTests } from "./views/recording/test-seams"
import "./styles.css"

declare global {
  interface Window {
    /** The panel's model as plain JSON, read by end-to-end tests (test builds only). */
    readonly __ephemeraPanelState: PanelStateSnapshot
  }
}

/** Test builds only (see build-flags.d.ts): the shipped panel has no test globals. */
const TEST_SEAMS = typeof __EPHEMERA_TEST_SEAMS__ === "boolean" && __EPHEMERA_TEST_SEAMS__

if (TEST_SEAMS) {
  // The e2e tests fail on any error of the panel's; the page they keep open
  // with ?collectErrors (and no tab) hears every other page's reports too.
  if (new URLSearchParams(location.search).has("collectErrors")) collectErrorsForTests()
  reportErrorsForTests("panel")
}

const target = document.getElementById("app")!
const hasQueryTab = new URLSearchParams(location.search).has("tabId")
const devtools = hasQueryTab ? undefined : browser.devtools
const tabId = inspectedTabId(location.search, devtools)

const SETTINGS_KEY = "ephemera.settings"
const settings = new PanelSettings({
  load: async () => (await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY],
  save: data => browser.storage.local.set({ [SETTINGS_KEY]: data }),
})

const prefersDark = matchMedia("(prefers-color-scheme: dark)")
let devtoolsTheme = browser.devtools?.panels?.themeName
const followTheme = () => applyTheme(document.documentElement, themeFor(devtoolsTheme, prefersDark.matches, settings.theme))
browser.devtools?.panels?.onThemeChanged?.addListener(name => {
  devtoolsTheme = name
  followTheme()
})
prefersDark.addEventListener("change", followTheme)
settings.follow(followTheme)

if (tabId === undefined) {
  target.textContent = "Ephemera: no tab to inspect. Open this panel from DevTools, or add ?tabId=N to the address."
} else {
  const transport = portTransport({ tabId, connect: () => browser.runtime.connect({ name: PANEL_PORT }) })
  const store = new PanelStore(transport)
  const recording = new RecordingSession(store, { extensionVersion: browser.runtime.getManifest().version })
  if (TEST_SEAMS) {
    Object.defineProperty(window, "__ephemeraPanelState", {
      configurable: true,
      // Pending messages first, so a test reads what has arrived, not what was last painted.
      get: () => {
        store.flush()
        return snapshotOf(store.state)
      },
    })
    exposeRecordingForTests(window, recording)
  }
  // ?detectors=off: the benchmark's baseline, to measure what the detectors cost.
  const diagnostics = new Diagnostics(store, { enabled: new URLSearchParams(location.search).get("detectors") !== "off" })
  const evalInPage = inspectedEval(devtools)
  const reattacher = new Reattacher({ store, remembered: new RememberedRepos(browser.storage.local), evalInPage })
  mount(App, { target, props: { store, evalInPage, recording, diagnostics, reattacher, settings } })
  addEventListener("pagehide", () => transport.close())
}
