/**
 * The panel's one reducer: every message from the background goes through
 * `apply(state, message, now)` and comes out as a new state. No DOM, no
 * Svelte, no clock (`now` is passed in), so it can be tested step by step.
 */
import {
  skipUnknown,
  type BackgroundToPanelMessage,
  type HookBatch,
  type HookToPanelMessage,
  type LostItem,
  type RelayStats,
} from "../../protocol/messages"
import { Draft, type Mutable } from "./draft"
import type { PanelState } from "./panel-state"
import { applyRepoEvents } from "./repo-events"
import { disableTap, registerRepo, resetPage, unregisterRepo } from "./repos"
import { judgeSeq } from "../transport/sequence"
import { applyNetworkState, applySimulationState, recordSimulationError } from "./simulation"
import { applyTabSnapshot } from "./tab-snapshot"

/** Attach answers kept for the attach box (older ones have long been shown). */
const MAX_ATTACH_RESULTS = 32
/** Lost items the status bar can name (the count says how many there were in all). */
export const MAX_LOST_SHOWN = 20

/** The background and the hook may be newer than this panel: unknown messages are skipped. */
export function apply(state: PanelState, message: BackgroundToPanelMessage, now: number): PanelState {
  if (typeof message !== "object" || message === null) return state
  const draft = new Draft()
  const next = draft.object(state)
  switch (message.type) {
    case "background/page-batch":
      applyBatch(draft, next, message.batch, message.skipped, now)
      break
    case "background/relay-stats":
      next.relay = relayStatsOf(message.stats)
      break
    case "panel/unreadable": {
      const count = Number.isSafeInteger(message.count) && message.count > 0 ? message.count : 1
      next.unreadable = { ...state.unreadable, [message.reason]: (state.unreadable[message.reason] ?? 0) + count }
      break
    }
    case "background/page-status": {
      const was = state.page
      const connected = message.connected === true
      const since = connected && was.connected ? was.since : now
      next.page = { connected, url: message.url, since }
      // A new url means a new page (the background replaces the old port without
      // telling us). A disconnect alone does not: a restarted service worker
      // reconnects the same page, and a reload shows as a new hook instance.
      if (connected && was.url !== undefined && message.url !== undefined && message.url !== was.url) {
        resetPage(draft, next, "page reloaded", now)
        next.hook = undefined
      }
      break
    }
    case "background/origin-tabs":
    case "background/tab-batch":
      // Other tabs of the origin: their own states take these (ui/origin-tabs.svelte.ts).
      return state
    default:
      skipUnknown(message)
      return state
  }
  return next
}

export function applyAll(state: PanelState, messages: readonly BackgroundToPanelMessage[], now: number): PanelState {
  return messages.reduce((current, message) => apply(current, message, now), state)
}

function applyBatch(draft: Draft, state: Mutable<PanelState>, batch: HookBatch, skipped: number | undefined, now: number): void {
  if (typeof batch !== "object" || batch === null || !Array.isArray(batch.messages)) return
  const numbered = Number.isSafeInteger(batch.seq)
  if (numbered) {
    const verdict = judgeSeq(state.lastSeq, batch.seq, Number.isSafeInteger(skipped) && skipped! > 0 ? skipped : 0)
    // A hook numbers its batches from 0 per page load. A seq that does not
    // grow is a reloaded page only when the batch says so with a new hook's
    // hello (which resets the page); anything else (a repeat, or a page
    // script posing as the hook) is refused rather than taken for a reload.
    if (verdict.kind === "repeat" && !announcesNewHook(batch, state)) {
      state.unreadable = {
        ...state.unreadable,
        "out-of-order": (state.unreadable["out-of-order"] ?? 0) + Math.max(1, batch.messages.length),
      }
      return
    }
    if (verdict.kind === "gap") state.lostBatches += verdict.lost
    if (verdict.kind === "reset") state.seqResets += 1
  }
  state.lastDataAt = now
  for (const message of batch.messages) applyHookMessage(draft, state, message, now)
  // After the messages: a new hook's hello clears the old page's count.
  if (numbered) state.lastSeq = batch.seq
}

function announcesNewHook(batch: HookBatch, state: Mutable<PanelState>): boolean {
  return batch.messages.some(
    message =>
      typeof message === "object" &&
      message !== null &&
      (message.type === "hook/hello" || (message.type === "hook/snapshot" && state.followsSnapshots === true)) &&
      (state.hook === undefined || state.hook.instance !== message.instance || state.hook.url !== message.url),
  )
}

function applyHookMessage(draft: Draft, state: Mutable<PanelState>, message: HookToPanelMessage, now: number): void {
  if (typeof message !== "object" || message === null) return
  switch (message.type) {
    case "hook/hello":
      if (state.hook && state.hook.url !== message.url) resetPage(draft, state, "page navigated", now)
      else if (state.hook && state.hook.instance !== message.instance) resetPage(draft, state, "page reloaded", now)
      state.hook = {
        version: String(message.hookVersion),
        protocol: message.protocol,
        url: String(message.url),
        instance: String(message.instance),
      }
      return
    case "repo/registered":
      registerRepo(draft, state, message, now)
      return
    case "repo/unregistered":
      unregisterRepo(draft, state, message.repoId, message.reason, now)
      return
    case "repo/events":
      applyRepoEvents(draft, state, message.repoId, message.events)
      return
    case "repo/tap-disabled":
      disableTap(draft, state, message.repoId, message.tap, message.reason)
      return
    case "hook/dropped": {
      const count = Number.isFinite(message.count) && message.count > 0 ? message.count : 0
      const reason = String(message.reason ?? "unknown")
      state.hookDropped += count
      const before = Object.hasOwn(state.hookDropReasons, reason) ? state.hookDropReasons[reason] : 0
      state.hookDropReasons = { ...state.hookDropReasons, [reason]: before + count }
      if (Array.isArray(message.lost) && message.lost.length > 0)
        state.hookLost = [...state.hookLost, ...message.lost.filter(isLostItem)].slice(-MAX_LOST_SHOWN)
      return
    }
    case "hook/heartbeat":
      // Its batch arriving is the news: the page is alive (lastDataAt).
      return
    case "hook/pong":
      state.lastPong = message.nonce
      return
    case "attach/result": {
      const results = new Map(state.attachResults)
      results.set(String(message.requestId), { ok: message.ok === true, repoId: message.repoId, error: message.error })
      while (results.size > MAX_ATTACH_RESULTS) results.delete(results.keys().next().value!)
      state.attachResults = results
      return
    }
    case "simulate/state":
      applySimulationState(draft, state, message)
      return
    case "simulate/error":
      recordSimulationError(state, message)
      return
    case "hook/snapshot":
      // Answers a panel comparing tabs asked for; this tab's own panel follows the stream instead.
      if (state.followsSnapshots) applyTabSnapshot(draft, state, message, now)
      return
    case "simulate/network-state":
      applyNetworkState(draft, state, message)
      return
    case "repo/event-tape":
      // The transport expands tapes into repo/events before they get here.
      return
    default:
      skipUnknown(message)
  }
}

function isLostItem(item: unknown): item is LostItem {
  if (typeof item !== "object" || item === null) return false
  const { repoId, kind, size, keys } = item as Record<string, unknown>
  return (
    typeof repoId === "string" &&
    typeof kind === "string" &&
    typeof size === "number" &&
    Number.isFinite(size) &&
    (keys === undefined || (Array.isArray(keys) && keys.every(key => typeof key === "string")))
  )
}

function relayStatsOf(stats: RelayStats | undefined): RelayStats {
  const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0)
  const byReason: RelayStats["byReason"] = {}
  for (const [reason, value] of Object.entries(stats?.byReason ?? {})) byReason[reason as keyof RelayStats["byReason"]] = count(value)
  const spoken = stats?.pageProtocol
  const pageProtocol =
    typeof spoken === "object" && spoken !== null && Number.isSafeInteger(spoken.protocol)
      ? {
          pageProtocol: {
            protocol: spoken.protocol,
            ...(typeof spoken.hookVersion === "string" ? { hookVersion: spoken.hookVersion } : {}),
          },
        }
      : {}
  return { dropped: count(stats?.dropped), byReason, lost: count(stats?.lost), ...pageProtocol }
}
