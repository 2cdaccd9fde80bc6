/**
 * A room across tabs: the panel compares the stores of the tab it inspects
 * with those of the browser's other tabs of the same origin. Types only,
 * like `messages.ts`; the unions below are merged into its unions. The
 * messages that carry a repo's snapshot or a parsed batch are declared in
 * `messages.ts` beside those types (`RepoSnapshot`,
 * `OriginTabsHookToPanelMessage`, `OriginTabsBackgroundToPanelMessage`), so
 * this file imports nothing.
 *
 * The panel asks the background to watch its inspected tab's origin. The
 * background lists the other tabs of that origin (same profile, same private
 * mode, same container) and forwards their page batches tagged with the tab
 * id. Those tabs' hooks are not subscribed: the panel asks each for a
 * snapshot of its stores (`panel/snapshot`) a few times a second while the
 * comparison is shown. A subscribed hook writes every event the page's repos
 * go through; a snapshot costs the page one read of its stores per request
 * and nothing in between (docs/room-across-tabs.md; BENCHMARKS.md, figure 6).
 */

/** How often a panel comparing tabs asks each other tab for a snapshot (the comparison's lag, at most). */
export const SNAPSHOT_INTERVAL_MS = 500

/** Another tab of the inspected tab's origin, with a content relay connected. */
export interface OriginTab {
  tabId: number
  /** The page's url as its relay reported it. */
  url?: string
}

/** Panel -> page hook. */
export type OriginTabsPanelToHookMessage =
  /** Every repo's model and stores as they are now, without subscribing; answered with hook/snapshot. */
  { type: "panel/snapshot"; requestId: string }

/** Panel -> background. */
export type OriginTabsPanelToBackgroundMessage =
  /** Start or stop watching the other tabs of the inspected tab's origin; said again after every reconnect. */
  | { type: "panel/watch-origin"; watch: boolean }
  /** Ask every watched tab's hook for a snapshot (the background sends each a panel/snapshot). */
  | { type: "panel/snapshot-origin"; requestId: string }

/** Background -> panel, as it crosses the port. */
export type OriginTabsBackgroundToPanelWire =
  /** The other tabs of the origin; sent when watching starts and on every change. */
  | { type: "background/origin-tabs"; tabs: OriginTab[] }
  /** A page batch from one of them, still as the hook's JSON text, its `seq` beside it. */
  | { type: "background/tab-batch"; tabId: number; seq: number; batchJson: string }
