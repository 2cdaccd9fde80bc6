/**
 * The dev page (npm run dev): the demo app in a frame on the left, the panel
 * on the right, served by Vite so the panel's components hot-reload. The
 * extension's own parts run here in place of the browser's: the demo frame
 * gets the hook and the relay (page-scripts.ts), this page runs the tab
 * router, and ports are MessagePorts (frame-ports.ts). Nothing of the
 * panel is mocked: it is the same App, store and port transport.
 */
import { mount } from "svelte"
import "../devtools-panel/styles.css"
import App from "../devtools-panel/App.svelte"
import { applyTheme, themeFor } from "../devtools-panel/env/theme"
import { portTransport } from "../devtools-panel/transport/port-transport"
import { PanelStore } from "../devtools-panel/ui/panel-store.svelte"
import { TabRouter } from "../extension/background/tab-router"
import { CONTENT_PORT, PANEL_PORT } from "../protocol/messages"
import { CONNECT_REQUEST, portLike, routerPort } from "./frame-ports"
import "./dev-page.css"

/** The one "tab" this page inspects: the demo frame. */
const TAB_ID = 1

const frame = document.querySelector<HTMLIFrameElement>("iframe.inspected")!
const router = new TabRouter()

// The demo frame's relay connects like a content script: top frame of tab 1.
addEventListener("message", event => {
  const port = event.ports[0]
  if (event.source !== frame.contentWindow || event.data?.type !== CONNECT_REQUEST || event.data.name !== CONTENT_PORT || !port) return
  router.accept(routerPort(port, { name: CONTENT_PORT, tabId: TAB_ID, frameId: 0, fromExtensionPage: false }, router))
})

const transport = portTransport({
  tabId: TAB_ID,
  connect: () => {
    const channel = new MessageChannel()
    router.accept(routerPort(channel.port2, { name: PANEL_PORT, fromExtensionPage: true }, router))
    return portLike(channel.port1)
  },
})
const store = new PanelStore(transport)

const prefersDark = matchMedia("(prefers-color-scheme: dark)")
const followTheme = () => applyTheme(document.documentElement, themeFor(undefined, prefersDark.matches))
followTheme()
prefersDark.addEventListener("change", followTheme)

// Attach by expression evaluates in the demo frame, as DevTools would in the inspected page.
const evalInPage = async (code: string) => {
  try {
    return { value: (frame.contentWindow as unknown as { eval(code: string): unknown }).eval(code) }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) }
  }
}

const demo = new URL("/demo/client/index.html", location.href)
demo.search = new URLSearchParams({ room: "lobby", peers: "3", hub: __EPHEMERA_DEV_HUB__ }).toString()
frame.src = demo.href

mount(App, { target: document.getElementById("app")!, props: { store, evalInPage } })
