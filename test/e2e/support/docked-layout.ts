/**
 * What a docked panel shows, measured in the panel page itself (the same in
 * Playwright and puppeteer): the value cells on screen and how wide they
 * are, whether every member row can be scrolled into its pane, and whether
 * anything overflows the page instead of scrolling inside its pane.
 */
import type { Evaluator } from "./session"

export interface DockedLayout {
  viewport: { width: number; height: number }
  /** Value cells at least partly on screen. */
  valuesOnScreen: number
  /** The narrowest of them, in px. */
  narrowestValue: number
  memberRows: number
  /** Member rows fully inside the members pane without scrolling. */
  membersOnScreen: number
  /** After scrolling the members pane to its end, the last row is inside the pane. */
  lastMemberReachable: boolean
  /** The page itself scrolls (it must not: panes scroll inside themselves). */
  pageOverflows: boolean
  /** Members and maps side by side (their tops level). */
  sideBySide: boolean
}

export function measureDockedLayout(panel: Evaluator): Promise<DockedLayout> {
  return panel.evaluate(() => {
    const box = (el: Element) => el.getBoundingClientRect()
    const onScreen = (rect: DOMRect) =>
      rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight && rect.right > 0 && rect.left < innerWidth
    const values = [...document.querySelectorAll('[data-testid="entry-value"]')].map(box).filter(onScreen)
    const pane = document.querySelector('[data-testid="members-pane"]')!
    const scroller = pane.querySelector("section")!
    const paneBox = box(scroller)
    const rows = [...pane.querySelectorAll('[data-testid="member-row"]')]
    const inside = (rect: DOMRect) => rect.top >= paneBox.top - 1 && rect.bottom <= paneBox.bottom + 1 && rect.height > 0
    const membersOnScreen = rows.filter(row => inside(box(row))).length
    scroller.scrollTop = scroller.scrollHeight
    const last = rows.at(-1)
    const lastMemberReachable = last !== undefined && inside(box(last))
    scroller.scrollTop = 0
    const maps = box(document.querySelector('[data-testid="maps-pane"]')!)
    const root = document.scrollingElement!
    return {
      viewport: { width: innerWidth, height: innerHeight },
      valuesOnScreen: values.length,
      narrowestValue: values.length === 0 ? 0 : Math.min(...values.map(rect => rect.width)),
      memberRows: rows.length,
      membersOnScreen,
      lastMemberReachable,
      pageOverflows: root.scrollHeight > root.clientHeight + 1 || root.scrollWidth > root.clientWidth + 1,
      sideBySide: Math.abs(box(pane).top - maps.top) < 2,
    }
  })
}

/** Where the e2e tests leave their screenshots for a person to look at. */
export const SCREENSHOT_DIR = "/tmp/ephemera-screenshots"
