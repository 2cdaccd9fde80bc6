/**
 * The detectors' input made from what the panel receives from the page's
 * hook: registrations, store changes as the page read them back from its
 * stores, frames in and out, model deltas, heartbeats. This is the one place
 * that knows the hook's messages; replacing it (say, by a panel-side replica
 * of the store's rules fed with frames) leaves every detector as it is.
 *
 * Page reloads are told the way the reducer tells them (a new hook instance
 * or url): every repo of the old page is gone.
 */
import type { BackgroundToPanelMessage, HookBatch, HookEvent, HookToPanelMessage, StoreEntry } from "../../protocol/messages"
import { channelsOf, modelOf, peersOf } from "../state/model"
import { messagesIn } from "../wire/frame-counts"
import { carriedPayloads } from "./carried"
import { importSource, type InboundFrame } from "./import-source"
import type { DiagnosticEvent, HeldStore } from "./input"

type Registered = Extract<HookToPanelMessage, { type: "repo/registered" }>

export class PanelEventSource {
  /** Live repos by id: their channel peers, for naming who is on a channel. */
  readonly #repos = new Map<string, { channelPeers: Map<number, string | undefined> }>()
  readonly #lastInbound = new Map<string, InboundFrame>()
  #hook: { url: string; instance: string } | undefined
  #pageUrl: string | undefined
  #lastSeq: number | undefined

  /** The events one message means, in order. */
  eventsOf(message: BackgroundToPanelMessage, now: number): DiagnosticEvent[] {
    if (typeof message !== "object" || message === null) return []
    const out: DiagnosticEvent[] = []
    if (message.type === "background/page-status") {
      const url = message.url
      if (message.connected === true && this.#pageUrl !== undefined && url !== undefined && url !== this.#pageUrl) this.#reset(now, out)
      if (message.connected === true && url !== undefined) this.#pageUrl = url
    } else if (message.type === "background/page-batch") {
      this.#batch(message.batch, now, out)
    }
    return out
  }

  #batch(batch: HookBatch, now: number, out: DiagnosticEvent[]): void {
    if (typeof batch !== "object" || batch === null || !Array.isArray(batch.messages)) return
    const announcesNewHook = batch.messages.some(
      m => m?.type === "hook/hello" && (this.#hook === undefined || m.instance !== this.#hook.instance || m.url !== this.#hook.url),
    )
    // A repeated batch (the reducer refuses it too) must not be seen twice.
    if (Number.isSafeInteger(batch.seq) && this.#lastSeq !== undefined && batch.seq <= this.#lastSeq && !announcesNewHook) return
    for (const message of batch.messages) this.#hookMessage(message, now, out)
    if (Number.isSafeInteger(batch.seq)) this.#lastSeq = batch.seq
  }

  #hookMessage(message: HookToPanelMessage, now: number, out: DiagnosticEvent[]): void {
    if (typeof message !== "object" || message === null) return
    switch (message.type) {
      case "hook/hello": {
        const hook = { url: String(message.url), instance: String(message.instance) }
        if (this.#hook && (this.#hook.url !== hook.url || this.#hook.instance !== hook.instance)) this.#reset(now, out)
        this.#hook = hook
        return
      }
      case "repo/registered":
        this.#registered(message, now, out)
        return
      case "repo/unregistered":
        if (this.#repos.delete(message.repoId)) out.push({ type: "repo-gone", t: now, repoId: message.repoId })
        this.#lastInbound.delete(message.repoId)
        return
      case "simulate/state":
        if (this.#repos.has(message.repoId) && Array.isArray(message.peers)) {
          out.push({ type: "simulated", t: now, repoId: message.repoId, peerIds: message.peers.map(peer => String(peer?.id)) })
        }
        return
      case "repo/events":
        if (!this.#repos.has(message.repoId) || !Array.isArray(message.events)) return
        for (const event of message.events) if (typeof event === "object" && event !== null) this.#event(message.repoId, event, out)
        return
      default:
    }
  }

  #registered(message: Registered, now: number, out: DiagnosticEvent[]): void {
    const info = message.repo
    if (typeof info?.repoId !== "string" || typeof info.peerId !== "string") return
    const model = modelOf(message.snapshot, { peerId: info.peerId, name: info.name, type: info.identityType })
    this.#repos.set(info.repoId, { channelPeers: new Map(model.channels.map(channel => [channel.channelId, channel.peerId])) })
    const stores: HeldStore[] = (Array.isArray(message.stores) ? message.stores : [])
      .filter(store => typeof store?.docId === "string" && typeof store.namespace === "string")
      .map(store => ({ docId: store.docId, namespace: store.namespace, entries: entriesOf(store.entries) }))
    out.push({
      type: "repo",
      t: now,
      repo: {
        repoId: info.repoId,
        peerId: info.peerId,
        label: String(info.label ?? info.repoId),
        ...(typeof info.name === "string" ? { name: info.name } : {}),
        ...(info.library === "automerge-repo" ? { library: info.library } : {}),
      },
      channels: model.channels,
      peers: model.peers,
      stores,
    })
  }

  #event(repoId: string, event: HookEvent, out: DiagnosticEvent[]): void {
    const t = typeof event.t === "number" ? event.t : 0
    const eventId = typeof event.id === "number" ? event.id : -1
    switch (event.kind) {
      case "store": {
        if (typeof event.docId !== "string" || typeof event.namespace !== "string") return
        const by = event.by === "local" || event.by === "import" || event.by === "timeout" ? event.by : undefined
        if (!by) return
        const { docId, namespace } = event
        const frame = by === "import" ? this.#lastInbound.get(repoId) : undefined
        const sourceOf = frame ? (entry: StoreEntry) => importSource(frame, docId, namespace, entry) : undefined
        out.push({ type: "store", t, repoId, eventId, docId, namespace, by, entries: entriesOf(event.entries), sourceOf })
        return
      }
      case "channel-in": {
        const channelPeer = typeof event.peerId === "string" ? event.peerId : this.#repos.get(repoId)?.channelPeers.get(event.channelId)
        const payloads = carriedPayloads(event.message)
        const frame = { channelId: event.channelId, ...(channelPeer !== undefined ? { channelPeer } : {}), payloads }
        if (payloads.length > 0) this.#lastInbound.set(repoId, frame)
        const discarded = typeof event.discarded === "string" ? { discarded: event.discarded } : {}
        out.push({ type: "frame-in", t, repoId, eventId, ...frame, messages: messagesIn(event.message), ...discarded })
        return
      }
      case "channel-out": {
        const channelIds = Array.isArray(event.toChannelIds) ? event.toChannelIds.filter(id => typeof id === "number") : []
        out.push({
          type: "frame-out",
          t,
          repoId,
          eventId,
          channelIds,
          messages: messagesIn(event.message),
          payloads: carriedPayloads(event.message),
        })
        return
      }
      case "sync-message":
        if (event.msgType === "synchronizer/heartbeat") out.push({ type: "heartbeat", t, repoId, eventId })
        this.#modelDelta(repoId, t, event.delta, out)
        return
      // automerge-repo's model changes come on their own (no update function to carry them).
      case "model":
        this.#modelDelta(repoId, t, event.delta, out)
        return
      default:
    }
  }

  #modelDelta(repoId: string, t: number, value: unknown, out: DiagnosticEvent[]): void {
    const delta = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {}
    const channels = channelsOf(delta.channels)
    const peers = peersOf(delta.peers)
    if (channels) this.#repos.get(repoId)?.channelPeers.clear()
    for (const channel of channels ?? []) this.#repos.get(repoId)?.channelPeers.set(channel.channelId, channel.peerId)
    if (channels || peers) out.push({ type: "model", t, repoId, ...(channels ? { channels } : {}), ...(peers ? { peers } : {}) })
  }

  #reset(now: number, out: DiagnosticEvent[]): void {
    for (const repoId of this.#repos.keys()) out.push({ type: "repo-gone", t: now, repoId })
    this.#repos.clear()
    this.#lastInbound.clear()
    this.#lastSeq = undefined
  }
}

function entriesOf(value: unknown): StoreEntry[] {
  return Array.isArray(value) ? value.filter((entry): entry is StoreEntry => typeof entry?.key === "string") : []
}
