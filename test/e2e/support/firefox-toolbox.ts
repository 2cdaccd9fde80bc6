/**
 * The Ephemera panel inside Firefox's own DevTools toolbox: what a Firefox
 * user opens. No driver reaches into the toolbox, so this goes through
 * Firefox's privileged (chrome) scope:
 *
 * - opening: `gDevTools.showToolboxForTab()` for the page's tab, then
 *   `toolbox.selectTool()` with the tool the extension's devtools page added
 *   (its id is `webext-devtools-panel-…`, numbered per devtools page, so it
 *   is found by the extension's id in `toolbox.getAdditionalTools()`);
 * - evaluating in the panel: the panel is a remote `<browser>` inside the
 *   toolbox's `webext-panels.xhtml` frame; a one-off frame script runs the
 *   function in a sandbox over the panel's window (its own principal, no
 *   X-ray wrappers, outside the page's CSP) and posts the JSON answer back.
 *
 * This leans on DevTools internals, so it is kept to a smoke test.
 */
import { GECKO_ID } from "../../../scripts/manifest"
import type { ChromeScope } from "./firefox-chrome"
import type { Evaluator } from "./session"
import { waitFor } from "./wait"

/** Loads DevTools' module loader in the browser window. */
const DEVTOOLS = `const { require } = ChromeUtils.importESModule("resource://devtools/shared/loader/Loader.sys.mjs");
  const { gDevTools } = require("devtools/client/framework/devtools");`

export interface ToolboxPanel extends Evaluator {
  /** The panel page's URL, as loaded in the toolbox. */
  url(): Promise<string>
  /** Closes the toolbox. */
  close(): Promise<void>
}

/** Opens the toolbox on the tab showing `pageUrl`, selects the Ephemera panel, and waits for it to load. */
export async function openInToolbox(chrome: ChromeScope, pageUrl: string): Promise<ToolboxPanel> {
  const key = JSON.stringify(pageUrl)
  // Kept on the browser window (our evaluations share its global) for the calls that follow.
  await chrome.evaluate(`(async () => {
    ${DEVTOOLS}
    const tab = gBrowser.tabs.find(t => t.linkedBrowser.currentURI.spec === ${key});
    if (!tab) throw new Error("no tab shows " + ${key});
    gBrowser.selectedTab = tab;
    (window.__ephemeraToolboxes ??= new Map()).set(${key}, await gDevTools.showToolboxForTab(tab));
  })()`)
  const toolbox = `window.__ephemeraToolboxes.get(${key})`
  // The extension's devtools page adds its tool once it has run in this toolbox.
  const toolId = String(
    await waitFor(
      () => chrome.evaluate(`${toolbox}.getAdditionalTools().find(tool => tool.extensionId === ${JSON.stringify(GECKO_ID)})?.id`),
      "the Ephemera tool in the toolbox",
      30_000,
      100,
    ),
  )
  await chrome.evaluate(`${toolbox}.selectTool(${JSON.stringify(toolId)}).then(() => true)`)
  const browser = `${toolbox}.doc.getElementById("toolbox-panel-iframe-" + ${JSON.stringify(toolId)})?.contentDocument?.querySelector("browser")`

  const evaluate = (async (fn: (arg: unknown) => unknown, arg?: unknown) => {
    const answer = JSON.parse(String(await chrome.evaluate(frameScriptCall(browser, fn.toString(), JSON.stringify(arg ?? null))))) as {
      ok: boolean
      json?: string
      error?: string
    }
    if (!answer.ok) throw new Error(`evaluation in the toolbox panel failed: ${answer.error}`)
    return (JSON.parse(answer.json!) as { value?: unknown }).value
  }) as ToolboxPanel["evaluate"]

  const panel: ToolboxPanel = {
    evaluate,
    url: () => evaluate(() => location.href),
    async close() {
      await chrome.evaluate(`${toolbox}.destroy().then(() => window.__ephemeraToolboxes.delete(${key}))`)
    },
  }
  await waitFor(
    () => panel.evaluate(() => document.readyState === "complete" && document.querySelector("#app")?.childElementCount),
    "the panel to load in the toolbox",
    30_000,
    100,
  )
  return panel
}

/** Chrome-scope code that runs `source(arg)` in the panel's window and resolves with `{ ok, json | error }` as JSON. */
function frameScriptCall(browser: string, source: string, argJson: string): string {
  const frameScript = `
    const reply = answer => sendAsyncMessage(NAME, answer);
    try {
      const sandbox = Cu.Sandbox(content, { sandboxPrototype: content, wantXrays: false, sameZoneAs: content });
      Cu.evalInSandbox("(async () => JSON.stringify({ value: await (" + SOURCE + ")(" + ARG + ") }))()", sandbox)
        .then(json => reply({ ok: true, json }), error => reply({ ok: false, error: String(error) }));
    } catch (error) {
      reply({ ok: false, error: String(error) });
    }`
  return `new Promise((resolve, reject) => {
    const browser = ${browser};
    const manager = browser?.messageManager;
    if (!manager) return reject(new Error("the panel's browser is not there yet"));
    const name = "ephemera-e2e:" + Math.random().toString(36).slice(2);
    const done = answer => {
      clearTimeout(timer);
      manager.removeMessageListener(name, listener);
      resolve(JSON.stringify(answer));
    };
    const listener = message => done(message.data);
    // A frame script that never answers (the panel navigating away) must not hang the test.
    const timer = setTimeout(() => done({ ok: false, error: "no answer from the panel within 10 s" }), 10000);
    manager.addMessageListener(name, listener);
    const script = "const NAME = " + JSON.stringify(name) + "; const SOURCE = " + ${JSON.stringify(JSON.stringify(source))} + "; const ARG = " + ${JSON.stringify(JSON.stringify(argJson))} + ";" + ${JSON.stringify(frameScript)};
    manager.loadFrameScript("data:," + encodeURIComponent("(() => {" + script + "})()"), false);
  })`
}
