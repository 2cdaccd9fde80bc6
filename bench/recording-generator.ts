/**
 * A realistic recorded session, generated: a demo-like room where a tab hosts
 * two repos and other peers come and go, move their cursors at about 30 Hz
 * and toggle typing, with the traffic the page hook reports for each change
 * (inbound frame, synchronizer message, store change, emitter event),
 * 10-second heartbeats that re-stamp every key, and 50 ms hook batches.
 *
 * The messages go through the panel's real reducer and the real Recorder, so
 * the recording (checkpoints included) is exactly what the panel would save.
 */
import { bytesToHex } from "../codec/hex"
import { encodeEphemeralEntries, type EncodableValue } from "../codec/loro-ephemeral/ephemeral-encoder"
import {
  PROTOCOL_VERSION,
  type BackgroundToPanelMessage,
  type HookEvent,
  type HookToPanelMessage,
  type RepoInfo,
  type WireValue,
} from "../protocol/messages"
import { apply } from "../devtools-panel/state/apply"
import { initialState } from "../devtools-panel/state/panel-state"
import type { Recording } from "../devtools-panel/recording/format"
import { Recorder } from "../devtools-panel/recording/recorder"
import { metaFor } from "../devtools-panel/recording/summarize"

const DOC = "room:lobby"
const T0 = 1_750_000_000_000
const BATCH_MS = 50

interface Peer {
  peerId: string
  name: string
  x: number
  y: number
  typing: boolean
  present: boolean
}

/** mulberry32: the same seed, the same session. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A store entry's wire bytes as the hook summarises them (real postcard bytes, as loro writes them). */
function frameBytes(entry: { key: string; value?: WireValue; deleted: boolean; timestamp: number }): WireValue {
  const bytes = encodeEphemeralEntries([
    entry.deleted
      ? { key: entry.key, timestamp: entry.timestamp, deleted: true }
      : { key: entry.key, timestamp: entry.timestamp, value: entry.value as EncodableValue },
  ])
  return { $ephemera: "bytes", type: "Uint8Array", length: bytes.length, hex: bytesToHex(bytes), truncated: false }
}

function repoInfo(repoId: string, peer: Peer): RepoInfo {
  return {
    repoId,
    label: peer.name,
    peerId: peer.peerId,
    name: peer.name,
    identityType: "user",
    library: "loro-extended",
    libraryVersion: "5.x",
    origin: "register",
    taps: [],
    registeredAt: T0,
  }
}

/** Builds a recording of about `targetEvents` hook events. */
export function generateRecording(targetEvents: number, seed = 7): Recording {
  const rand = random(seed)
  const peers: Peer[] = Array.from({ length: 8 }, (_, i) => ({
    peerId: String(1_000_000 + i * 7919),
    name: ["alice", "alice-2", "bob", "carol", "dave", "erin", "frank", "grace"][i]!,
    x: 100 + i * 40,
    y: 100 + i * 30,
    typing: false,
    present: i < 5,
  }))
  const repos = [
    { repoId: "repo-1", self: peers[0]! },
    { repoId: "repo-2", self: peers[1]! },
  ]
  let eventId = 1
  let seq = 0
  type Body = HookEvent extends infer E ? (E extends HookEvent ? Omit<E, "id" | "repoId" | "t"> : never) : never
  const ev = (repoId: string, t: number, body: Body): HookEvent => ({ id: eventId++, repoId, t, ...body }) as HookEvent

  const entry = (peer: Peer, namespace: string, t: number) =>
    peer.present
      ? {
          key: peer.peerId,
          value: (namespace === "presence"
            ? { name: peer.name, color: "#3b82f6" }
            : namespace === "cursor"
              ? { x: peer.x, y: peer.y }
              : { typing: peer.typing }) as WireValue,
          deleted: false,
          timestamp: t,
          size: 24,
        }
      : { key: peer.peerId, deleted: true, timestamp: t, size: 8 }

  /** What one repo's hook reports when `peer` changes `namespace`. */
  const change = (repoId: string, self: Peer, peer: Peer, namespace: string, t: number): HookEvent[] => {
    const local = peer === self
    const storeEntry = entry(peer, namespace, t)
    return [
      local
        ? ev(repoId, t, {
            kind: "sync-message",
            msgType: "synchronizer/ephemeral-local-change",
            message: { type: "synchronizer/ephemeral-local-change", docId: DOC },
            commands: [{ type: "cmd/broadcast-ephemeral-batch", depth: 0 }],
            delta: {},
          })
        : // The hub forwards the peer's own frame unchanged: its stores still name the peer (5.x).
          ev(repoId, t, {
            kind: "channel-in",
            channelId: 1,
            peerId: "hub",
            msgType: "channel/ephemeral",
            size: 60,
            message: {
              type: "channel/ephemeral",
              docId: DOC,
              hopsRemaining: 0,
              stores: [{ peerId: peer.peerId, namespace, data: frameBytes(storeEntry) }],
            },
          }),
      ev(repoId, t, { kind: "store", docId: DOC, namespace, by: local ? "local" : "import", entries: [storeEntry] }),
      local
        ? ev(repoId, t, {
            kind: "channel-out",
            toChannelIds: [1],
            msgType: "channel/ephemeral",
            size: 60,
            message: {
              type: "channel/ephemeral",
              docId: DOC,
              hopsRemaining: 1,
              stores: [{ peerId: self.peerId, namespace, data: frameBytes(storeEntry) }],
            },
            establishment: false,
          })
        : ev(repoId, t, {
            kind: "sync-message",
            msgType: "synchronizer/channel-receive-message",
            message: { type: "synchronizer/channel-receive-message", envelope: { fromChannelId: 1 } },
            commands: [{ type: "cmd/apply-ephemeral", depth: 0 }],
            delta: {},
          }),
      ev(repoId, t, {
        kind: "emitter",
        name: "ephemeral-change",
        data: { docId: DOC, source: local ? "local" : "remote", peerId: peer.peerId },
      }),
    ]
  }

  const registration = (repoId: string, self: Peer): HookToPanelMessage => ({
    type: "repo/registered",
    repo: repoInfo(repoId, self),
    snapshot: {
      identity: { peerId: self.peerId, name: self.name, type: "user" },
      peers: [
        {
          identity: { peerId: "hub", type: "service" },
          channels: [1],
          subscriptions: [DOC],
          docSyncStates: [{ docId: DOC, status: "synced" }],
        },
      ],
      channels: [{ channelId: 1, type: "established", kind: "network", adapterType: "websocket", peerId: "hub" }],
      documents: [{ docId: DOC, version: { [self.peerId]: 3 } }],
    },
    stores: ["presence", "cursor", "typing"].map(namespace => ({
      docId: DOC,
      namespace,
      entries: peers.filter(p => p.present).map(p => entry(p, namespace, T0)),
    })),
  })

  let state = initialState()
  let t = T0
  const deliver = (message: BackgroundToPanelMessage) => {
    const before = state
    state = apply(state, message, t)
    recorder?.observe(message, t, before, state)
  }
  let recorder: Recorder | undefined
  deliver({ type: "background/page-status", connected: true, url: "http://127.0.0.1:8787/?room=lobby" })
  const hello: HookToPanelMessage = {
    type: "hook/hello",
    protocol: PROTOCOL_VERSION,
    hookVersion: "0.1.0",
    url: "http://127.0.0.1:8787/?room=lobby",
    instance: "bench",
  }
  deliver({ type: "background/page-batch", batch: { seq: seq++, messages: [hello, ...repos.map(r => registration(r.repoId, r.self))] } })
  recorder = new Recorder(state, t, { acrossReloads: true })

  let nextHeartbeat = t + 10_000
  while (recorder.stats.events < targetEvents) {
    t += BATCH_MS
    const events = new Map<string, HookEvent[]>(repos.map(r => [r.repoId, []]))
    const report = (peer: Peer, namespace: string) => {
      for (const { repoId, self } of repos)
        events.get(repoId)!.push(...change(repoId, self, peer, namespace, t - Math.floor(rand() * BATCH_MS)))
    }
    for (const peer of peers) {
      if (!peer.present) {
        if (rand() < 0.002) {
          peer.present = true
          for (const namespace of ["presence", "cursor", "typing"]) report(peer, namespace)
        }
        continue
      }
      if (peer !== peers[0] && peer !== peers[1] && rand() < 0.001) {
        peer.present = false
        for (const namespace of ["presence", "cursor", "typing"]) report(peer, namespace)
        continue
      }
      if (rand() < 0.6) {
        peer.x = Math.round(Math.max(0, Math.min(1200, peer.x + (rand() - 0.5) * 40)))
        peer.y = Math.round(Math.max(0, Math.min(800, peer.y + (rand() - 0.5) * 40)))
        report(peer, "cursor")
      }
      if (rand() < 0.02) {
        peer.typing = !peer.typing
        report(peer, "typing")
      }
    }
    if (t >= nextHeartbeat) {
      nextHeartbeat += 10_000
      // touch(): every key re-stamped, reported as local changes of every store.
      for (const { repoId } of repos) {
        events.get(repoId)!.push(
          ev(repoId, t, {
            kind: "sync-message",
            msgType: "synchronizer/heartbeat",
            message: { type: "synchronizer/heartbeat" },
            commands: [],
            delta: {},
          }),
        )
        for (const namespace of ["presence", "cursor", "typing"]) {
          events.get(repoId)!.push(
            ev(repoId, t, {
              kind: "store",
              docId: DOC,
              namespace,
              by: "local",
              entries: peers.filter(p => p.present).map(p => entry(p, namespace, t)),
            }),
          )
        }
      }
    }
    const messages: HookToPanelMessage[] = [...events]
      .filter(([, list]) => list.length > 0)
      .map(([repoId, list]) => ({ type: "repo/events", repoId, events: list }))
    deliver({ type: "background/page-batch", batch: { seq: seq++, messages } })
    if (seq % 400 === 0) recorder.mark(`mark ${seq / 400}`, t)
  }
  const session = recorder.finish(t)
  return { meta: metaFor(session, "bench"), lines: session.lines }
}

/**
 * A long recording made quickly: `base`'s messages and marks repeated `times`
 * times after its opening checkpoint, each copy later in time, with batch
 * numbers and event ids continuing. What opening a file costs depends on its
 * size, not on how varied its traffic is, so a 500,000-event file for the
 * bench and the end-to-end tests need not run the reducer 500,000 times.
 */
export function repeatRecording(base: Recording, times: number): Recording {
  const [checkpoint, ...rest] = base.lines
  if (checkpoint?.kind !== "checkpoint") throw new Error("a recording starts with a checkpoint")
  const body = rest.filter(line => line.kind !== "checkpoint")
  const span = Math.max(1, (body.at(-1)?.t ?? checkpoint.t) - checkpoint.t + BATCH_MS)
  let maxSeq = 0
  let maxId = 0
  for (const line of body) {
    if (line.kind !== "message" || line.message.type !== "background/page-batch") continue
    maxSeq = Math.max(maxSeq, line.message.batch.seq)
    for (const inner of line.message.batch.messages)
      if (inner.type === "repo/events") for (const e of inner.events) maxId = Math.max(maxId, e.id)
  }
  const lines: Recording["lines"] = [checkpoint]
  for (let copy = 0; copy < times; copy++) {
    const dt = copy * span
    for (const line of body) {
      if (line.kind === "mark") lines.push({ ...line, t: line.t + dt, label: `${line.label} (${copy + 1})` })
      else if (line.kind === "message" && line.message.type === "background/page-batch") {
        const { batch } = line.message
        const messages = batch.messages.map(inner =>
          inner.type === "repo/events"
            ? { ...inner, events: inner.events.map(e => ({ ...e, id: e.id + copy * maxId, t: e.t + dt })) }
            : inner,
        )
        lines.push({ ...line, t: line.t + dt, message: { ...line.message, batch: { ...batch, seq: batch.seq + copy * maxSeq, messages } } })
      } else if (line.kind === "message") lines.push({ ...line, t: line.t + dt })
    }
  }
  const endedAt = lines.at(-1)!.t
  return { meta: { ...base.meta, endedAt }, lines }
}
