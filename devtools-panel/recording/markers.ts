/**
 * What the timeline shows above the density: moments worth jumping to. Page
 * loads and disconnects, repos coming and going, peers joining and leaving a
 * room (a peer's first live key and its last deletion, across namespaces and
 * repos), events the hook dropped, and the user's own marks.
 */
import { skipUnknown, type HookEvent, type HookToPanelMessage, type StoreEntry, type WireValue } from "../../protocol/messages"
import type { Severity } from "../diagnostics/finding"
import { shortId } from "../values/format"
import type { StepIndex } from "./steps"

/** "finding": where the detectors first saw a finding (recording/findings.ts). */
export type MarkerKind = "mark" | "page" | "repo" | "join" | "leave" | "loss" | "finding"

export interface TimelineMarker {
  readonly position: number
  readonly t: number
  readonly kind: MarkerKind
  readonly label: string
  /** For findings. */
  readonly severity?: Severity
}

function nameIn(value: WireValue | undefined): string | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof value.name === "string" ? value.name : undefined
}

/**
 * Which peers are in which room: a peer is in while any repo holds a live key
 * of it in any namespace. Nested maps rather than joined string keys: this
 * runs for every entry of a 100,000-event recording while it opens.
 */
class Presence {
  /** repoId -> docId -> namespace -> live keys. */
  readonly #live = new Map<string, Map<string, Map<string, Set<string>>>>()
  /** docId -> key -> live (repo, namespace) pairs. */
  readonly #holders = new Map<string, Map<string, number>>()
  readonly names = new Map<string, string>()

  /** Returns "join", "leave" or undefined for one entry seen by one repo. */
  note(repoId: string, docId: string, namespace: string, entry: StoreEntry): "join" | "leave" | undefined {
    if (typeof entry?.key !== "string") return undefined
    const name = entry.deleted ? undefined : nameIn(entry.value)
    if (name) this.names.set(entry.key, name)
    const keys = this.#keys(repoId, docId, namespace)
    const wasLive = keys.has(entry.key)
    if (wasLive !== entry.deleted) return undefined
    let counts = this.#holders.get(docId)
    if (!counts) {
      counts = new Map()
      this.#holders.set(docId, counts)
    }
    const before = counts.get(entry.key) ?? 0
    const after = before + (entry.deleted ? -1 : 1)
    counts.set(entry.key, after)
    if (entry.deleted) keys.delete(entry.key)
    else keys.add(entry.key)
    return before === 0 && after > 0 ? "join" : before > 0 && after === 0 ? "leave" : undefined
  }

  label(peerId: string): string {
    return this.names.get(peerId) ?? shortId(peerId)
  }

  #keys(repoId: string, docId: string, namespace: string): Set<string> {
    let docs = this.#live.get(repoId)
    if (!docs) {
      docs = new Map()
      this.#live.set(repoId, docs)
    }
    let namespaces = docs.get(docId)
    if (!namespaces) {
      namespaces = new Map()
      docs.set(docId, namespaces)
    }
    let keys = namespaces.get(namespace)
    if (!keys) {
      keys = new Set()
      namespaces.set(namespace, keys)
    }
    return keys
  }
}

export function markersOf(index: StepIndex): TimelineMarker[] {
  const markers: TimelineMarker[] = index.marks.map(mark => ({ position: mark.position, t: mark.t, kind: "mark", label: mark.label }))
  const presence = new Presence()
  const labels = new Map<string, string>()
  let instance: string | undefined
  let connected: boolean | undefined
  // Where the opening checkpoint leaves things: no markers for what was already there.
  for (const message of index.baseline.messages) {
    if (message.type === "background/page-status") connected = message.connected
    if (message.type !== "background/page-batch") continue
    for (const inner of message.batch.messages) {
      if (inner.type === "hook/hello") instance = inner.instance
      if (inner.type !== "repo/registered") continue
      labels.set(inner.repo.repoId, inner.repo.label)
      for (const store of inner.stores)
        for (const entry of store.entries) presence.note(inner.repo.repoId, store.docId, store.namespace, entry)
    }
  }
  index.records.forEach(({ t, message }, r) => {
    let position = index.firstStep[r]!
    const add = (kind: MarkerKind, label: string) => markers.push({ position, t, kind, label })
    if (message.type === "background/page-status") {
      position++
      if (connected !== undefined && message.connected !== connected)
        add("page", message.connected ? "Page connected" : "Page disconnected")
      connected = message.connected
    }
    if (message.type !== "background/page-batch") return
    for (const inner of message.batch.messages) {
      if (inner.type === "repo/events") {
        for (const event of inner.events) {
          position++
          for (const [kind, peerId] of storeChanges(presence, event))
            add(kind, `${presence.label(peerId)} ${kind === "join" ? "joined" : "left"}`)
        }
        continue
      }
      position++
      hookMarker(inner, labels, instance, add)
      if (inner.type === "hook/hello") instance = inner.instance
    }
  })
  return markers.sort((a, b) => a.position - b.position)
}

function storeChanges(presence: Presence, event: HookEvent): Array<["join" | "leave", string]> {
  if (event.kind !== "store" || !Array.isArray(event.entries)) return []
  const changes: Array<["join" | "leave", string]> = []
  for (const entry of event.entries) {
    const change = presence.note(event.repoId, event.docId, event.namespace, entry)
    if (change) changes.push([change, entry.key])
  }
  return changes
}

function hookMarker(
  message: HookToPanelMessage,
  labels: Map<string, string>,
  instance: string | undefined,
  add: (kind: MarkerKind, label: string) => void,
): void {
  switch (message.type) {
    case "hook/hello":
      if (instance !== undefined && message.instance !== instance) add("page", `Page loaded: ${message.url}`)
      return
    case "repo/registered":
      if (!labels.has(message.repo.repoId)) add("repo", `${message.repo.label} registered`)
      labels.set(message.repo.repoId, message.repo.label)
      return
    case "repo/unregistered":
      add("repo", `${labels.get(message.repoId) ?? message.repoId} unregistered (${message.reason})`)
      return
    case "hook/dropped":
      add("loss", `The hook dropped ${message.count} events (${message.reason})`)
      return
    case "repo/events":
    case "repo/event-tape":
    case "repo/tap-disabled":
    case "hook/heartbeat":
    case "hook/pong":
    case "attach/result":
    case "simulate/state":
    case "simulate/network-state":
    case "simulate/error":
    case "hook/snapshot":
      // Not a point on the timeline to jump to.
      return
    default:
      skipUnknown(message)
  }
}

/** Steps per time bucket, for the density strip. */
export function densityOf(index: StepIndex, buckets: number): number[] {
  const counts = new Array<number>(buckets).fill(0)
  const span = Math.max(1, index.endT - index.startT)
  index.records.forEach(({ t }, r) => {
    const bucket = Math.min(buckets - 1, Math.max(0, Math.floor(((t - index.startT) / span) * buckets)))
    counts[bucket]! += index.firstStep[r + 1]! - index.firstStep[r]!
  })
  return counts
}
