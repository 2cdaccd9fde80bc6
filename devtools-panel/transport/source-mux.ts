/**
 * The standalone panel shows every Node process ("source") the server
 * routes as ONE page with many repos, so the panel's state and views work
 * as they do for a browser tab. Each source is a hook of its own: its own
 * repo ids, event ids and batch numbers. This turns them into one stream:
 * - repo ids become `source:repoId` (and turn back when a message goes to
 *   the hook), event ids are renumbered, batches are numbered here;
 * - the sources' hellos are kept here; the page says one hello of its own;
 * - a source that goes away unregisters its repos; one that (re)connects is
 *   subscribed, and its hook answers with a full resync.
 * Pure: the socket transport feeds it and sends what it returns.
 */
import {
  PROTOCOL_VERSION,
  skipUnknown,
  type BackgroundToPanelMessage,
  type HookToPanelMessage,
  type PanelToHookMessage,
} from "../../protocol/messages"
import type { ServerToPanelMessage, SourceInfo } from "../../protocol/standalone"
import { fromWire, StreamIntakes } from "./transport"

export interface SourceCommand {
  source: string
  message: PanelToHookMessage
}

export interface MuxOutput {
  toPanel: BackgroundToPanelMessage[]
  toSources: SourceCommand[]
}

interface SourceState {
  info: SourceInfo
  /** The source's own repo ids it has registered, so they can be unregistered when it goes. */
  repos: Set<string>
  /** The source's store replicas: its batches pass through them in order. */
  intakes: StreamIntakes
  /** How many of its batches came in: the intakes' numbering (a repeated number would read as a resend). */
  received: number
}

/** What the page's hook version reads as: the sources may run other versions of the hook. */
export const STANDALONE_HOOK_VERSION = "standalone"

export class SourceMux {
  readonly #url: string
  readonly #instance = Math.random().toString(36).slice(2, 10)
  readonly #sources = new Map<string, SourceState>()
  #seq = 0
  #nextEventId = 1

  /** `url` is what the panel shows as the page's address (the server's). */
  constructor(url: string) {
    this.#url = url
  }

  /** The panel page's socket is open: the page is there, with one hello for all sources. */
  connected(): BackgroundToPanelMessage[] {
    const hello: HookToPanelMessage = {
      type: "hook/hello",
      protocol: PROTOCOL_VERSION,
      hookVersion: STANDALONE_HOOK_VERSION,
      url: this.#url,
      instance: this.#instance,
    }
    return [{ type: "background/page-status", connected: true, url: this.#url }, this.#batch([hello])]
  }

  /** The socket to the server closed: every source is out of reach until it is back. */
  disconnected(): BackgroundToPanelMessage[] {
    const gone = [...this.#sources.values()].flatMap(state => this.#goneMessages(state, "the standalone server is out of reach"))
    return [{ type: "background/page-status", connected: false, url: this.#url }, ...(gone.length ? [this.#batch(gone)] : [])]
  }

  receive(message: ServerToPanelMessage): MuxOutput {
    switch (message.type) {
      case "server/sources":
        return this.#merge(message.sources)
      case "server/source":
        return this.#merge([message.source], false)
      case "server/batch":
        return { toPanel: this.#fromSource(message.source, message.batchJson), toSources: [] }
      case "server/lost": {
        const label = this.#sources.get(message.source)?.info.label ?? message.source
        const dropped: HookToPanelMessage = {
          type: "hook/dropped",
          count: message.count,
          reason: `${label}: undelivered while the server was away`,
        }
        return { toPanel: [this.#batch([dropped])], toSources: [] }
      }
      default:
        skipUnknown(message)
        return { toPanel: [], toSources: [] }
    }
  }

  /** Where a panel message goes: repo-bound ones to the repo's source, the rest to every connected source. */
  route(message: PanelToHookMessage): MuxOutput {
    if ("repoId" in message && typeof message.repoId === "string") {
      const owner = this.#ownerOf(message.repoId)
      return { toPanel: [], toSources: owner ? [{ source: owner.source, message: { ...message, repoId: owner.repoId } }] : [] }
    }
    // A process has no window to scan or to evaluate an expression in.
    if (message.type === "discovery/scan") return { toPanel: [], toSources: [] }
    if (message.type === "attach/path") {
      const error = "a Node process has no window to attach from: register its repo with connect(repo) from ephemera-devtools/node"
      return { toPanel: [this.#batch([{ type: "attach/result", requestId: message.requestId, ok: false, error }])], toSources: [] }
    }
    return { toPanel: [], toSources: this.#connectedSources().map(source => ({ source, message })) }
  }

  /** Sources as the server last described them. */
  sources(): SourceInfo[] {
    return [...this.#sources.values()].map(state => state.info)
  }

  #merge(infos: readonly SourceInfo[], complete = true): MuxOutput {
    const toPanel: HookToPanelMessage[] = []
    const toSources: SourceCommand[] = []
    const listed = new Set(infos.map(info => info.source))
    if (complete) {
      for (const state of this.#sources.values()) {
        if (!listed.has(state.info.source)) toPanel.push(...this.#goneMessages(state, "the process is gone"))
      }
    }
    for (const info of infos) {
      const state = this.#sources.get(info.source) ?? { info, repos: new Set<string>(), intakes: new StreamIntakes(), received: 0 }
      state.info = info
      this.#sources.set(info.source, state)
      // Its hook answers with hello and every repo (again): a full resync.
      if (info.connected) toSources.push({ source: info.source, message: { type: "panel/subscribe" } })
      else toPanel.push(...this.#goneMessages(state, `${info.label} disconnected`))
    }
    return { toPanel: toPanel.length ? [this.#batch(toPanel)] : [], toSources }
  }

  #goneMessages(state: SourceState, reason: string): HookToPanelMessage[] {
    const gone = [...state.repos].map(repoId => ({ type: "repo/unregistered" as const, repoId: scoped(state.info.source, repoId), reason }))
    state.repos.clear()
    return gone
  }

  #fromSource(source: string, batchJson: string): BackgroundToPanelMessage[] {
    const state = this.#sources.get(source)
    if (!state) return []
    const out: BackgroundToPanelMessage[] = []
    // The source's own numbering is not needed here: its batches come over one socket, in order, and are
    // numbered as they arrive, for its intakes, and again below; what it could not deliver it reports (server/lost).
    for (const message of fromWire({ type: "background/page-batch", seq: state.received++, batchJson }, state.intakes)) {
      if (message.type !== "background/page-batch") out.push(message)
      else out.push(this.#batch(message.batch.messages.flatMap(inner => this.#scope(state, inner))))
    }
    return out
  }

  /** A source's message in the page's terms: repo ids scoped by source, event ids the page's own. */
  #scope(state: SourceState, message: HookToPanelMessage): HookToPanelMessage[] {
    const source = state.info.source
    switch (message.type) {
      case "hook/hello":
      case "repo/event-tape":
      // Answers a panel comparing tabs; this page compares none, and the source's own page identity is not this page's.
      case "hook/snapshot":
        return []
      case "repo/registered":
        state.repos.add(message.repo.repoId)
        return [{ ...message, repo: { ...message.repo, repoId: scoped(source, message.repo.repoId) } }]
      case "repo/unregistered":
        state.repos.delete(message.repoId)
        return [{ ...message, repoId: scoped(source, message.repoId) }]
      case "repo/events":
        return [
          {
            ...message,
            repoId: scoped(source, message.repoId),
            events: message.events.map(event => ({ ...event, id: this.#nextEventId++, repoId: scoped(source, event.repoId) })),
          },
        ]
      case "repo/tap-disabled":
      case "simulate/state":
      case "simulate/network-state":
        return [{ ...message, repoId: scoped(source, message.repoId) }]
      case "attach/result":
        return [message.repoId === undefined ? message : { ...message, repoId: scoped(source, message.repoId) }]
      case "hook/dropped":
      case "hook/heartbeat":
      case "hook/pong":
      case "simulate/error":
        return [message]
      default:
        skipUnknown(message)
        return []
    }
  }

  #ownerOf(repoId: string): { source: string; repoId: string } | undefined {
    for (const source of this.#sources.keys()) {
      if (repoId.startsWith(`${source}:`)) return { source, repoId: repoId.slice(source.length + 1) }
    }
    return undefined
  }

  #connectedSources(): string[] {
    return [...this.#sources.values()].filter(state => state.info.connected).map(state => state.info.source)
  }

  #batch(messages: HookToPanelMessage[]): BackgroundToPanelMessage {
    return { type: "background/page-batch", batch: { seq: this.#seq++, messages } }
  }
}

function scoped(source: string, repoId: string): string {
  return `${source}:${repoId}`
}
