/**
 * Ghosts: peers a repo still holds presence for with no live path to them.
 * In 5.x a repo removes a peer's keys only when that peer's own channel
 * closes; a peer reached through a relay keeps its keys forever after the
 * relay goes away.
 *
 * A peer is heard when a frame carries a payload it put on the wire (its
 * own, or forwarded unchanged by a relay: `stores[i].peerId` is it), when any
 * frame arrives on its own channel, or when an import changes one of its
 * values (someone wrote it; a relay's re-stamped copy of a ghost never
 * changes a value). Every peer sends on each heartbeat, so a live peer is
 * heard at least once per heartbeat interval. A peer with live keys has no
 * live path when the channel it was last heard on is gone, or when it has
 * not been heard for `silentHeartbeats` heartbeats. Peers this page
 * simulates itself are left alone: they carry no heartbeat.
 */
import { peerOfKey } from "../../wire/ephemeral-decode"
import { silenceLimitMs } from "../config"
import type { Detector, DetectorContext } from "../detector"
import type { TextPart } from "../finding"
import { formatSeconds } from "../../values/format"
import type { DiagnosticEvent } from "../input"
import { eventEvidence, sameValue } from "../wording"
import type { RepoFacts } from "../world"

export interface NoPath {
  /** When the path was lost: the channel's closing, or the last time the peer was heard. */
  readonly since: number
  readonly reason: "channel-gone" | "silent"
  readonly channelId?: number
  /** The peer at the other end of that channel (a relay, or the peer itself). */
  readonly relay?: string
}

interface Heard {
  readonly t: number
  readonly channelId: number
  readonly eventId: number
}

interface RepoWatch {
  readonly since: number
  readonly heard: Map<string, Heard>
  readonly channelGoneAt: Map<number, number>
  /** When a channel was last known, with its peer (kept after it closes). */
  readonly channelPeers: Map<number, string | undefined>
  readonly ghosts: Map<string, NoPath>
  /** The last frame's channel and event: imports that follow came on it. */
  lastFrame?: Heard
}

/** Checks run at most this often in event time; ticks come once a second. */
const CHECK_EVERY_MS = 1_000

const WHY =
  "@loro-extended/repo 5.x removes a peer's presence only when that peer's own channel closes. A peer reached through a relay (a hub) keeps its keys here forever after the relay goes away or stops sending, so the app shows people who are not there, and their last cursor and typing state, as if live."
const FIX =
  "Treat presence as stale when it has not been refreshed for a few heartbeats (each peer re-sends every 10 s): hide or grey out such peers, and clear the relay's peers when its channel closes. Reconnect to the relay; once it is back, peers that are really there are heard again."

export class NoLivePath implements Detector {
  readonly name = "no live path"
  readonly #repos = new Map<string, RepoWatch>()
  #checkedAt = -Infinity

  /** Why a peer has no live path from a repo, or undefined when it has one (or is unknown). */
  noPath(repoId: string, peerId: string): NoPath | undefined {
    return this.#repos.get(repoId)?.ghosts.get(peerId)
  }

  /** The channel a peer was last heard on. */
  heardVia(repoId: string, peerId: string): { channelId: number; relay?: string } | undefined {
    const watch = this.#repos.get(repoId)
    const heard = watch?.heard.get(peerId)
    if (!watch || !heard) return undefined
    const relay = watch.channelPeers.get(heard.channelId)
    return relay === undefined ? { channelId: heard.channelId } : { channelId: heard.channelId, relay }
  }

  /**
   * A key is stale when its owner (keys are peer ids) has no live path, or
   * has not been heard for the silence limit: every heartbeat of a live
   * owner re-sends its keys, so they are at most that old.
   */
  isStale(repoId: string, key: string, now: number, limitMs: number): boolean {
    const watch = this.#repos.get(repoId)
    if (!watch) return false
    if (watch.ghosts.has(key)) return true
    const heard = watch.heard.get(key)
    return heard !== undefined && now - heard.t > limitMs
  }

  observe(event: DiagnosticEvent, context: DetectorContext): void {
    switch (event.type) {
      case "repo": {
        // A repo announces itself again on every resubscribe: what was learned of it stays.
        const known = this.#repos.get(event.repo.repoId)
        const channelPeers = known?.channelPeers ?? new Map<number, string | undefined>()
        for (const channel of event.channels) {
          channelPeers.set(channel.channelId, channel.peerId)
          known?.channelGoneAt.delete(channel.channelId)
        }
        this.#repos.set(
          event.repo.repoId,
          known
            ? { ...known, channelPeers }
            : { since: event.t, heard: new Map(), channelGoneAt: new Map(), channelPeers, ghosts: new Map() },
        )
        break
      }
      case "repo-gone":
        this.#repos.delete(event.repoId)
        return
      case "model":
        this.#model(event, context)
        break
      case "frame-in":
        this.#frame(event, context)
        break
      case "store":
        if (event.by === "import") this.#import(event, context)
        break
      default:
    }
    if (event.type === "model" || event.t >= this.#checkedAt + CHECK_EVERY_MS) {
      this.#checkedAt = event.t
      for (const [repoId, watch] of this.#repos) this.#check(repoId, watch, event.t, context)
    }
  }

  #model(event: Extract<DiagnosticEvent, { type: "model" }>, context: DetectorContext): void {
    const watch = this.#repos.get(event.repoId)
    const before = context.world.repo(event.repoId)?.channels
    if (!watch || !event.channels || !before) return
    const now = new Set(event.channels.map(channel => channel.channelId))
    for (const channelId of before.keys())
      if (!now.has(channelId) && !watch.channelGoneAt.has(channelId)) watch.channelGoneAt.set(channelId, event.t)
    for (const channel of event.channels) {
      watch.channelGoneAt.delete(channel.channelId)
      watch.channelPeers.set(channel.channelId, channel.peerId)
    }
  }

  #frame(event: Extract<DiagnosticEvent, { type: "frame-in" }>, context: DetectorContext): void {
    const watch = this.#repos.get(event.repoId)
    if (!watch) return
    const heard: Heard = { t: event.t, channelId: event.channelId, eventId: event.eventId }
    watch.lastFrame = heard
    if (event.channelPeer !== undefined) this.#hear(watch, event.repoId, event.channelPeer, heard, context)
    for (const payload of event.payloads) if (payload.sender !== undefined) this.#hear(watch, event.repoId, payload.sender, heard, context)
  }

  /** A value that changed by import was written by someone: its owner is alive. */
  #import(event: Extract<DiagnosticEvent, { type: "store" }>, context: DetectorContext): void {
    const watch = this.#repos.get(event.repoId)
    const heard = watch?.lastFrame
    if (!watch || !heard) return
    const store = context.world.storeOf(event.repoId, event.docId, event.namespace)
    for (const entry of event.entries) {
      const before = store?.get(entry.key)
      if (entry.deleted || (before && sameValue(before, entry))) continue
      this.#hear(watch, event.repoId, entry.key, { ...heard, t: event.t }, context)
    }
  }

  #hear(watch: RepoWatch, repoId: string, peerId: string, heard: Heard, context: DetectorContext): void {
    watch.heard.set(peerId, heard)
    if (watch.ghosts.delete(peerId)) context.end(idOf(repoId, peerId), heard.t)
  }

  #check(repoId: string, watch: RepoWatch, t: number, context: DetectorContext): void {
    const repo = context.world.repo(repoId)
    if (!repo) return
    const limit = silenceLimitMs(context.config)
    const members = remoteMembers(repo)
    for (const peerId of [...watch.ghosts.keys()]) {
      if (members.has(peerId)) continue
      // Its keys are gone: not a ghost any more.
      watch.ghosts.delete(peerId)
      context.end(idOf(repoId, peerId), t)
    }
    for (const peerId of members) {
      if (watch.ghosts.has(peerId)) continue
      const lost = this.#pathLost(repo, watch, peerId, t, limit)
      if (!lost) continue
      watch.ghosts.set(peerId, lost)
      this.#report(repoId, peerId, lost, t, context)
    }
  }

  #pathLost(repo: RepoFacts, watch: RepoWatch, peerId: string, t: number, limit: number): NoPath | undefined {
    const heard = watch.heard.get(peerId)
    const direct = [...repo.channels.values()].some(channel => channel.peerId === peerId)
    if (heard && !direct) {
      const goneAt = watch.channelGoneAt.get(heard.channelId)
      const relay = watch.channelPeers.get(heard.channelId)
      if (goneAt !== undefined)
        return { since: goneAt, reason: "channel-gone", channelId: heard.channelId, ...(relay !== undefined ? { relay } : {}) }
    }
    const last = Math.max(heard?.t ?? -Infinity, watch.since)
    if (t - last <= limit) return undefined
    const relay = heard ? watch.channelPeers.get(heard.channelId) : undefined
    return { since: last, reason: "silent", ...(heard ? { channelId: heard.channelId } : {}), ...(relay !== undefined ? { relay } : {}) }
  }

  #report(repoId: string, peerId: string, lost: NoPath, t: number, context: DetectorContext): void {
    const world = context.world
    const peer = world.peer(peerId)
    const relay = lost.relay !== undefined && lost.relay !== peerId ? world.peer(lost.relay) : undefined
    const channel: TextPart[] =
      lost.channelId !== undefined ? [`channel #${lost.channelId}`, ...(relay ? [" to ", { peer: relay }] : [])] : ["any channel"]
    const detail: TextPart[] =
      lost.reason === "channel-gone"
        ? ["The ", ...channel, " it was reached through closed at ", { time: lost.since }, "; this repo still holds its keys."]
        : [
            "Nothing from it on ",
            ...channel,
            " since ",
            { time: lost.since },
            `: more than ${context.config.silentHeartbeats} heartbeats (${formatSeconds(silenceLimitMs(context.config), 0)}).`,
          ]
    const heard = this.#repos.get(repoId)?.heard.get(peerId)
    context.raise({
      id: idOf(repoId, peerId),
      kind: "no-live-path",
      severity: "warning",
      t,
      summary: [{ peer }, " has no live path since ", { time: lost.since }, ", but its presence is still held"],
      details: [detail],
      why: WHY,
      fix: FIX,
      repoId,
      repoLabel: world.label(repoId),
      peers: relay ? [peer, relay] : [peer],
      evidence: heard ? [eventEvidence("the last frame heard from it", repoId, heard.eventId, heard.t)] : [],
    })
  }
}

function idOf(repoId: string, peerId: string): string {
  return `no-live-path|${repoId}|${peerId}`
}

/** Peers (keys that name one) with a live key in any store, other than the repo itself. */
function remoteMembers(repo: RepoFacts): Set<string> {
  const known = new Set(repo.peers.map(peer => peer.identity.peerId))
  const members = new Set<string>()
  for (const keys of repo.held.values()) {
    for (const [key, held] of keys) {
      if (held.deleted || key === repo.identity.peerId || repo.simulated.has(key)) continue
      if (peerOfKey(key, id => known.has(id)) !== undefined) members.add(key)
    }
  }
  return members
}
