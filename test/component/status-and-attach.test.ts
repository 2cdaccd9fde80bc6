// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { formatClock } from "../../devtools-panel/values/format"
import { PAGE_SILENCE_MS, PROTOCOL_VERSION } from "../../protocol/messages"
import { T0, batch, entry, hello, pageStatus, registered, relayStats, repoInfo, store } from "./fixtures/messages"

let panel: MountedPanel | undefined
afterEach(() => {
  panel?.destroy()
  panel = undefined
})

function typeAndAttach(mounted: MountedPanel, expression: string): void {
  const input = mounted.one("attach-input") as HTMLInputElement
  input.value = expression
  input.dispatchEvent(new Event("input"))
  mounted.one("attach-button").click()
  mounted.settle()
}

describe("status bar", () => {
  it("shows page connection, hook version, relay drops and losses", () => {
    panel = mountPanel()
    expect(panel.one("page-status").dataset.connected).toBe("false")
    expect(panel.one("hook-version").textContent).toBe("—")
    panel.push(pageStatus(true), batch(1, hello("http://127.0.0.1/app", "0.3.1")))
    expect(panel.one("page-status").dataset.connected).toBe("true")
    expect(panel.one("hook-version").textContent).toBe("0.3.1")

    panel.push(relayStats({ dropped: 10_005, byReason: { "foreign-source": 10_000, "too-large": 5 } }))
    expect(panel.one("relay-dropped").textContent).toBe("10005")
    expect(panel.one("relay-drop-reasons").textContent).toContain("foreign-source 10,000")

    panel.push(batch(4), batch(5, { type: "hook/dropped", count: 7, reason: "buffer-full" }))
    expect(panel.one("lost-count").textContent).toBe("9")
  })

  it("says when the page has sent nothing, heartbeats included, for three seconds", () => {
    vi.useFakeTimers({ now: T0 })
    try {
      panel = mountPanel({ now: () => Date.now() })
      const status = () => panel!.one("page-status")
      panel.push(pageStatus(true), batch(1, hello()))
      expect(status().textContent).toContain("Page connected")
      vi.advanceTimersByTime(PAGE_SILENCE_MS - 100)
      panel.settle()
      expect(status().dataset.silent).toBe("false")
      panel.push(batch(2, { type: "hook/heartbeat" }))
      const heard = Date.now()
      vi.advanceTimersByTime(PAGE_SILENCE_MS - 100)
      panel.settle()
      expect(status().textContent).toContain("Page connected")
      vi.advanceTimersByTime(500)
      panel.settle()
      expect(status().dataset.silent).toBe("true")
      expect(status().dataset.connected).toBe("true")
      expect(status().textContent).toContain(`No data from the page since ${formatClock(heard)}`)
      panel.push(batch(3, { type: "hook/heartbeat" }))
      expect(status().textContent).toContain("Page connected")
    } finally {
      vi.useRealTimers()
    }
  })

  it("names what the hook could not deliver: repo, keys and size", () => {
    panel = mountPanel()
    panel.push(pageStatus(true), batch(1, hello(), registered(repoInfo({ label: "alice" }))))
    panel.push(
      batch(2, {
        type: "hook/dropped",
        count: 2,
        reason: "message-too-large",
        lost: [
          { repoId: "r1", kind: "store", keys: ["presence/peer-1"], size: 5 * 1024 * 1024 },
          { repoId: "r1", kind: "channel-out", size: 2_048 },
        ],
      }),
    )
    expect(panel.one("lost-count").textContent).toBe("2")
    expect(panel.one("lost-items").textContent).toBe("(alice: channel-out, 2.0 kB and 1 more)")
    const detail = panel.one("lost-count").parentElement!.title
    expect(detail).toContain("alice: store presence/peer-1, 5.0 MB")
    expect(detail).toContain("alice: channel-out, 2.0 kB")
  })

  it("shows the page as disconnected while the extension link is down", () => {
    panel = mountPanel()
    panel.push(pageStatus(true))
    panel.transport.setStatus("disconnected")
    panel.settle()
    expect(panel.one("page-status").dataset.connected).toBe("false")
    expect(panel.one("page-status").textContent).toContain("Reconnecting")
  })
})

describe("a page whose hook speaks another protocol", () => {
  it("says which versions, and to reload the page when the hook is the older", () => {
    panel = mountPanel()
    panel.push(pageStatus(true))
    expect(panel.all("protocol-mismatch")).toHaveLength(0)
    panel.push(
      relayStats({ dropped: 1, byReason: { "bad-version": 1 }, pageProtocol: { protocol: PROTOCOL_VERSION - 1, hookVersion: "0.0.9" } }),
    )
    const banner = panel.one("protocol-mismatch")
    expect(banner.getAttribute("role")).toBe("alert")
    expect(banner.textContent).toContain(
      `The page's Ephemera hook speaks protocol ${PROTOCOL_VERSION - 1} (hook 0.0.9), this panel ${PROTOCOL_VERSION}`,
    )
    expect(banner.textContent).toContain("reload the page after updating the extension")
  })

  it("says to update the extension when the hook is the newer, and goes once a new page's relay reports none", () => {
    panel = mountPanel()
    panel.push(pageStatus(true), relayStats({ pageProtocol: { protocol: PROTOCOL_VERSION + 1 } }))
    expect(panel.one("protocol-mismatch").textContent).toContain(`speaks protocol ${PROTOCOL_VERSION + 1}, this panel ${PROTOCOL_VERSION}`)
    expect(panel.one("protocol-mismatch").textContent).toContain("update this extension")
    panel.push(relayStats({}))
    expect(panel.all("protocol-mismatch")).toHaveLength(0)
  })
})

describe("repos", () => {
  it("warns about disabled taps by name and reason", () => {
    panel = mountPanel()
    panel.push(
      pageStatus(true),
      batch(1, registered(repoInfo(), { taps: [{ tap: "emitter", enabled: false, reason: "no emitter.onAny" }] }), {
        type: "repo/tap-disabled",
        repoId: "r1",
        tap: "channel-receive",
        reason: "onReceive not writable",
      }),
    )
    const warnings = panel.all("tap-warning")
    expect(warnings.map(el => el.dataset.tap)).toEqual(["emitter", "channel-receive"])
    expect(warnings[1]!.textContent).toContain("onReceive not writable")
  })

  it("greys out unregistered repos and replaces them after a reload", () => {
    panel = mountPanel()
    panel.push(
      pageStatus(true),
      batch(1, hello(), registered(repoInfo(), { stores: [store("room:a", "presence", [entry("100", 1, T0)])] })),
    )
    panel.one("repo-item").click()
    panel.push(batch(2, { type: "repo/unregistered", repoId: "r1", reason: "unregistered" }))
    expect(panel.one("repo-item").dataset.gone).toBe("true")
    // The data stays readable.
    expect(panel.all("ephemeral-entry")).toHaveLength(1)

    panel.push(
      pageStatus(false),
      pageStatus(true),
      batch(1, hello(undefined, undefined, "hook-2"), registered(repoInfo({ repoId: "r9", peerId: "900" }))),
    )
    expect(panel.all("repo-item").map(el => [el.dataset.repoId, el.dataset.gone])).toEqual([["r9", "false"]])
    expect(panel.one("repo-item", '[aria-selected="true"]').dataset.label).toBe("my-app")
  })
})

describe("empty state and attach", () => {
  it("says no repo is registered and shows the one-line snippet", () => {
    panel = mountPanel()
    panel.push(pageStatus(true), batch(1, hello()))
    const empty = panel.one("empty-state")
    expect(empty.textContent).toContain("No repo registered")
    expect(empty.textContent).toContain('globalThis.__EPHEMERA_DEVTOOLS_HOOK__?.register(repo, { label: "my-app" })')
    panel.push(batch(2, registered(repoInfo())))
    expect(panel.all("empty-state")).toHaveLength(0)
  })

  it("outside DevTools sends attach/path and shows the hook's error inline", () => {
    panel = mountPanel()
    panel.push(pageStatus(true), batch(1, hello()))
    typeAndAttach(panel, "window.demo.nothing.here")
    const request = panel.transport.sentToPage().find(message => message.type === "attach/path")
    expect(request).toMatchObject({ type: "attach/path", path: "demo.nothing.here" })
    expect(panel.one("attach-button").hasAttribute("disabled")).toBe(true)
    if (request?.type !== "attach/path") throw new Error("no attach request")
    panel.push(batch(2, { type: "attach/result", requestId: request.requestId, ok: false, error: "demo.nothing is undefined" }))
    expect(panel.one("attach-error").textContent).toBe("demo.nothing is undefined")
    expect(panel.one("attach-button").hasAttribute("disabled")).toBe(false)
  })

  it("stays available once repos are listed", () => {
    panel = mountPanel()
    panel.push(pageStatus(true), batch(1, hello(), registered(repoInfo({ origin: "discovered", label: "repo" }))))
    typeAndAttach(panel, "demo.peers.1.repo")
    expect(panel.transport.sentToPage().at(-1)).toMatchObject({ type: "attach/path", path: "demo.peers.1.repo" })
  })

  it("refuses what is not a dotted path when it cannot evaluate", () => {
    panel = mountPanel()
    typeAndAttach(panel, "getRepo()")
    expect(panel.one("attach-error").textContent).toContain("dotted path")
    expect(panel.transport.sentToPage()).toEqual([])
  })

  it("inside DevTools evaluates a register call in the page", async () => {
    const evalInPage = vi.fn(async (code: string) =>
      code.includes("broken") ? { error: "ReferenceError: broken is not defined" } : { value: true },
    )
    panel = mountPanel({ evalInPage })
    typeAndAttach(panel, "app.repos[0]")
    await vi.waitFor(() => expect(evalInPage).toHaveBeenCalledTimes(1))
    expect(evalInPage.mock.calls[0]![0]).toBe(
      'globalThis.__EPHEMERA_DEVTOOLS_HOOK__?.register(app.repos[0], {label: "app.repos[0]"}) && true',
    )
    await vi.waitFor(() => {
      panel!.settle()
      expect(panel!.one("attach-button").hasAttribute("disabled")).toBe(false)
    })
    expect(panel.all("attach-error")).toHaveLength(0)

    typeAndAttach(panel, "broken")
    await vi.waitFor(() => {
      panel!.settle()
      expect(panel!.one("attach-error").textContent).toContain("ReferenceError")
    })
  })
})
