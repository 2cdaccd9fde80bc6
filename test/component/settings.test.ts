// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest"
import { themeFor } from "../../devtools-panel/env/theme"
import { DEFAULT_LOG_CAPACITY } from "../../devtools-panel/state/panel-state"
import { memoryStorage, PanelSettings, settingsFrom } from "../../devtools-panel/ui/settings.svelte"
import { formatClock } from "../../devtools-panel/values/format"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { T0, batch, entry, hello, pageStatus, registered, repoInfo, store } from "./fixtures/messages"

const DOC = "room:lobby"

function openPage(panel: MountedPanel): void {
  panel.push(
    pageStatus(true),
    batch(1, hello(), registered(repoInfo(), { stores: [store(DOC, "presence", [entry("200", { name: "bob" }, T0 - 2_000)])] })),
  )
}

describe("settings", () => {
  let panel: MountedPanel | undefined
  afterEach(() => panel?.destroy())

  it("reads stored settings: clock times, the default log buffer, hidden columns", async () => {
    const storage = memoryStorage({ timeFormat: "clock", logBuffer: 500, hiddenColumns: ["member-rate", "map-writer"] })
    const settings = new PanelSettings(storage)
    panel = mountPanel({ settings })
    await settings.loaded
    openPage(panel)
    const ages = panel.all("age")
    expect(ages.length).toBeGreaterThan(0)
    expect(ages.every(age => age.dataset.format === "clock")).toBe(true)
    expect(panel.all("ephemeral-entry")[0]!.querySelector('[data-testid="age"]')!.textContent).toBe(formatClock(T0 - 2_000))
    expect(panel.store.state.log.capacity).toBe(500)
    expect(panel.one("panel").dataset.hiddenColumns).toBe("member-rate map-writer")
  })

  it("changes from the gear apply at once and are saved", async () => {
    const storage = memoryStorage()
    const settings = new PanelSettings(storage)
    panel = mountPanel({ settings })
    await settings.loaded
    openPage(panel)
    expect(panel.all("age")[0]!.textContent).toMatch(/ago$/)
    panel.one("settings-toggle").click()
    panel.settle()
    const choose = (testId: string, value: string) => {
      const select = panel!.one(testId) as HTMLSelectElement
      select.value = value
      select.dispatchEvent(new Event("change", { bubbles: true }))
    }
    choose("settings-time-format", "clock")
    choose("settings-theme", "dark")
    const buffer = panel.one("settings-log-buffer") as HTMLInputElement
    buffer.value = "2000"
    buffer.dispatchEvent(new Event("change", { bubbles: true }))
    ;(panel.one("settings-column", '[data-column="member-type"]') as HTMLInputElement).click()
    await settings.loaded
    panel.settle()
    expect(panel.all("age")[0]!.dataset.format).toBe("clock")
    expect(panel.store.state.log.capacity).toBe(2000)
    expect(panel.one("panel").dataset.hiddenColumns).toBe("member-type")
    expect(storage.saved).toEqual({ theme: "dark", timeFormat: "clock", logBuffer: 2000, hiddenColumns: ["member-type"] })
  })

  it("a buffer out of range is refused in the menu and nothing is saved", async () => {
    const storage = memoryStorage()
    const settings = new PanelSettings(storage)
    panel = mountPanel({ settings })
    await settings.loaded
    panel.one("settings-toggle").click()
    panel.settle()
    const buffer = panel.one("settings-log-buffer") as HTMLInputElement
    buffer.value = "-4"
    buffer.dispatchEvent(new Event("change", { bubbles: true }))
    expect(buffer.value).toBe(String(DEFAULT_LOG_CAPACITY))
    expect(storage.saved).toBeUndefined()
  })

  it("bad stored values fall back one field at a time", () => {
    expect(settingsFrom({ theme: "purple", timeFormat: "clock", logBuffer: -3, hiddenColumns: ["nope", "map-time", "map-time"] })).toEqual({
      theme: "devtools",
      timeFormat: "clock",
      logBuffer: DEFAULT_LOG_CAPACITY,
      hiddenColumns: ["map-time"],
    })
    expect(settingsFrom("garbage")).toEqual(settingsFrom(undefined))
  })

  it("a theme chosen in the settings wins over DevTools' and the system's", () => {
    expect(themeFor("dark", false, "devtools")).toBe("dark")
    expect(themeFor("dark", true, "light")).toBe("light")
    expect(themeFor(undefined, false, "dark")).toBe("dark")
  })
})
