/**
 * The standalone panel page (served by `npx ephemera-devtools`): the same
 * App as in DevTools, over a WebSocket to the server instead of an
 * extension port. The token is in the address's fragment (`#token=…`),
 * which the browser never sends: the page's own socket carries it.
 */
import { mount } from "svelte"
import App from "../../devtools-panel/App.svelte"
import { applyTheme, themeFor } from "../../devtools-panel/env/theme"
import { snapshotOf, type PanelStateSnapshot } from "../../devtools-panel/state/snapshot"
import { socketTransport } from "../../devtools-panel/transport/socket-transport"
import { PanelStore } from "../../devtools-panel/ui/panel-store.svelte"
import { RecordingSession } from "../../devtools-panel/views/recording/recording-session.svelte"
import { exposeRecordingForTests } from "../../devtools-panel/views/recording/test-seams"
import { panelSocketUrl } from "../../protocol/standalone-address"
import { STANDALONE_TOKEN_PARAM } from "../../protocol/standalone"
import "../../devtools-panel/styles.css"

declare global {
  interface Window {
    /** The panel's model as plain JSON, read by end-to-end tests (test builds only). */
    readonly __ephemeraPanelState: PanelStateSnapshot
  }
}

/** Test builds only (see build-flags.d.ts). */
const TEST_SEAMS = typeof __EPHEMERA_TEST_SEAMS__ === "boolean" && __EPHEMERA_TEST_SEAMS__

const target = document.getElementById("app")!
const token = new URLSearchParams(location.hash.slice(1)).get(STANDALONE_TOKEN_PARAM)

const prefersDark = matchMedia("(prefers-color-scheme: dark)")
const followTheme = () => applyTheme(document.documentElement, themeFor(undefined, prefersDark.matches))
followTheme()
prefersDark.addEventListener("change", followTheme)

if (!token) {
  target.textContent = "Ephemera: this address has no token. Open the address the standalone server printed (it ends in #token=…)."
} else {
  const origin = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`
  const transport = socketTransport({ socketUrl: panelSocketUrl({ origin, token }), pageUrl: `${location.origin}/` })
  const store = new PanelStore(transport)
  const recording = new RecordingSession(store)
  if (TEST_SEAMS) {
    Object.defineProperty(window, "__ephemeraPanelState", {
      configurable: true,
      get: () => {
        store.flush()
        return snapshotOf(store.state)
      },
    })
    exposeRecordingForTests(window, recording)
  }
  mount(App, { target, props: { store, recording } })
  addEventListener("pagehide", () => transport.close())
}
