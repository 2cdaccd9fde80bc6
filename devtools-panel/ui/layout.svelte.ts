/**
 * Pane sizes the user dragged, and whether the sidebar is folded away:
 * remembered in the panel page's localStorage, so DevTools docked right or
 * at the bottom opens the way it was left. Values read back are clamped:
 * a saved size from a wider window must not hide the value column.
 */
const LAYOUT_KEY = "ephemera.layout"

export const SIDEBAR_MIN_PX = 120
export const SIDEBAR_MAX_PX = 480
export const SIDEBAR_DEFAULT_PX = 200
/** Members' share of the room pane (the maps get the rest). */
export const MEMBERS_MIN_SHARE = 0.12
export const MEMBERS_MAX_SHARE = 0.8
export const MEMBERS_DEFAULT_SHARE = 0.4

interface SavedLayout {
  sidebarPx?: unknown
  sidebarCollapsed?: unknown
  membersShare?: unknown
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback
}

function readSaved(): SavedLayout {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(LAYOUT_KEY) ?? "{}")
    return typeof parsed === "object" && parsed !== null ? (parsed as SavedLayout) : {}
  } catch {
    // A damaged entry costs the saved sizes, nothing else.
    return {}
  }
}

export class PanelLayout {
  sidebarPx: number = $state(SIDEBAR_DEFAULT_PX)
  sidebarCollapsed: boolean = $state(false)
  membersShare: number = $state(MEMBERS_DEFAULT_SHARE)

  constructor() {
    const saved = readSaved()
    this.sidebarPx = clamp(numberOr(saved.sidebarPx, SIDEBAR_DEFAULT_PX), SIDEBAR_MIN_PX, SIDEBAR_MAX_PX)
    this.sidebarCollapsed = saved.sidebarCollapsed === true
    this.membersShare = clamp(numberOr(saved.membersShare, MEMBERS_DEFAULT_SHARE), MEMBERS_MIN_SHARE, MEMBERS_MAX_SHARE)
  }

  resizeSidebar(byPx: number): void {
    this.sidebarPx = clamp(this.sidebarPx + byPx, SIDEBAR_MIN_PX, SIDEBAR_MAX_PX)
    this.#save()
  }

  /** `byPx` out of `totalPx`, the room pane's length along the split. */
  resizeMembers(byPx: number, totalPx: number): void {
    if (totalPx <= 0) return
    this.membersShare = clamp(this.membersShare + byPx / totalPx, MEMBERS_MIN_SHARE, MEMBERS_MAX_SHARE)
    this.#save()
  }

  toggleSidebar(): void {
    this.sidebarCollapsed = !this.sidebarCollapsed
    this.#save()
  }

  #save(): void {
    const saved = { sidebarPx: this.sidebarPx, sidebarCollapsed: this.sidebarCollapsed, membersShare: this.membersShare }
    globalThis.localStorage?.setItem(LAYOUT_KEY, JSON.stringify(saved))
  }
}

let shared: PanelLayout | undefined

/** One layout for the live view and an opened recording: they show the same panes. */
export function panelLayout(): PanelLayout {
  shared ??= new PanelLayout()
  return shared
}
