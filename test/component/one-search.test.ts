// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { mountPanel, type MountedPanel } from "./fixtures/mount-panel"
import { batch, hello, pageStatus, registered, repoInfo } from "./fixtures/messages"

// jsdom has no layout: the log's list measures its height with a ResizeObserver, which jsdom lacks.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
} as unknown as typeof ResizeObserver

describe("one search box per view", () => {
  let panel: MountedPanel
  beforeEach(() => {
    panel = mountPanel()
    panel.push(pageStatus(true), batch(1, hello(), registered(repoInfo())))
  })
  afterEach(() => panel.destroy())

  it.each([
    ["live", "search-input"],
    ["log", "log-search"],
    ["record", "search-input"],
  ])("the %s view shows only its own search (%s)", (tab, testId) => {
    panel.one(`tab-${tab}`).click()
    panel.settle()
    const boxes = [...panel.root.querySelectorAll<HTMLInputElement>('input[type="search"]')]
    expect(boxes.map(box => box.dataset.testid)).toEqual([testId])
  })

  it.each(["simulate", "sync"])("the %s view, which filters nothing by text, shows no search", tab => {
    panel.one(`tab-${tab}`).click()
    panel.settle()
    expect(panel.root.querySelectorAll('input[type="search"]')).toHaveLength(0)
  })
})
