// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { PAGE_SILENCE_MS } from "../../protocol/messages"
import { formatClock } from "../../devtools-panel/values/format"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { T0, batch, entry, hello, pageStatus, registered, repoInfo, store } from "./fixtures/messages"

const DOC = "room:lobby"

describe("stale state", () => {
  let panel: MountedPanel
  // The store and the panel's clock read the same (fake) time.
  const setNow = (t: number) => vi.setSystemTime(t)
  beforeEach(() => {
    vi.useFakeTimers({ now: T0, toFake: ["Date"] })
    panel = mountPanel({ now: () => Date.now() })
    panel.push(
      pageStatus(true),
      batch(
        1,
        hello(),
        registered(repoInfo(), {
          stores: [store(DOC, "presence", [entry("100", { name: "alice" }, T0 - 5), entry("200", { name: "bob" }, T0 - 5)])],
        }),
      ),
    )
  })
  afterEach(() => {
    panel.destroy()
    vi.useRealTimers()
  })

  const banner = () => panel.all("stale-banner")[0]

  it("is live while the page is connected: no banner, members present with a rate", () => {
    expect(banner()).toBeUndefined()
    expect(panel.all("member-presence").map(el => el.textContent)).toEqual(["present", "present"])
    expect(panel.all("member-rate").every(el => el.textContent !== "—")).toBe(true)
  })

  it("says when the page disconnects, as of the last state received, and stops the live indicators", () => {
    setNow(T0 + 1_000)
    panel.push(pageStatus(false))
    expect(banner()!.textContent).toContain("the page disconnected")
    expect(banner()!.textContent).toContain(`Showing the last state received at ${formatClock(T0)}`)
    expect(panel.all("member-presence").map(el => el.textContent)).toEqual(["present when last seen", "present when last seen"])
    expect(panel.all("member-rate").map(el => el.textContent)).toEqual(["—", "—"])
    // The old state stays on screen to read.
    expect(panel.all("ephemeral-entry")).toHaveLength(2)
  })

  it("says when the page navigated away and its repo is gone", () => {
    setNow(T0 + 1_000)
    panel.push(batch(2, hello("http://elsewhere.test/", "0.1.0", "hook-2")))
    expect(banner()!.textContent).toContain("the page navigated away")
    expect(banner()!.dataset.at).toBe(String(T0 + 1_000))
  })

  it("goes away when the page's repo is back", () => {
    panel.push(pageStatus(false))
    expect(banner()).toBeDefined()
    panel.push(pageStatus(true), batch(2, registered(repoInfo())))
    expect(banner()).toBeUndefined()
  })

  it("says when the hook has sent nothing, heartbeats included, for longer than the silence limit", async () => {
    setNow(T0 + PAGE_SILENCE_MS + 500)
    // The panel's clock ticks on a real timer here: wait for it to read the new time.
    await vi.waitFor(() => {
      panel.settle()
      expect(banner()?.textContent).toContain("the page's hook stopped sending")
    })
    panel.push(batch(2, { type: "hook/heartbeat" }))
    await vi.waitFor(() => {
      panel.settle()
      expect(banner()).toBeUndefined()
    })
  })
})
