/**
 * Heartbeat amplification. On each heartbeat a 5.x repo re-stamps every key
 * of a store one by one, and each re-stamp re-broadcasts the whole
 * namespace: a heartbeat sends each key once per key in its namespace, per
 * channel, so its traffic grows with the square of the room.
 *
 * A heartbeat round is what the repo sends right after its heartbeat (the
 * frames of the heartbeat's own cascade: until the next inbound frame, and
 * within BURST_MS). Per round and channel: messages and entries sent. The
 * finding: entries per heartbeat grew faster than keys x channels between
 * two rounds, or a round sent more than `amplificationCeiling` copies of
 * each key per channel.
 */
import { type Detector, type DetectorContext, LORO_EXTENDED_ONLY } from "../detector"
import type { TextPart } from "../finding"
import type { DiagnosticEvent } from "../input"
import { formatDecimal } from "../../values/format"
import { eventEvidence } from "../wording"

/** A heartbeat's cascade runs in one task; what the repo sends later is the app's own traffic. */
const BURST_MS = 250
/** Rounds remembered per repo (for the sparkline, and to compare against). */
const ROUNDS_KEPT = 30

export interface ChannelTraffic {
  readonly messages: number
  readonly entries: number
}

export interface HeartbeatRound {
  readonly t: number
  readonly eventId: number
  /** Entries the repo held (every store, tombstones included) at the heartbeat. */
  readonly keys: number
  readonly channels: ReadonlyMap<number, ChannelTraffic>
  readonly messages: number
  readonly entries: number
}

interface OpenRound {
  readonly t: number
  readonly eventId: number
  readonly keys: number
  readonly channels: Map<number, { messages: number; entries: number }>
}

const WHY =
  "On each heartbeat @loro-extended/repo 5.x re-stamps every key of a store one by one, and every re-stamp re-broadcasts the whole namespace: each key goes out once per key in its namespace, on every channel. The cost grows with the square of the room (a hub with three spokes sends about 160 messages per heartbeat), and the page's CPU and the network carry unchanged presence over and over."
const FIX =
  "Keep namespaces small: one key per peer, few namespaces, small values, and fewer peers per relay. Rooms that must be large need a heartbeat that encodes each namespace once per channel, which 5.x does not do."

export class Amplification implements Detector {
  readonly name = "heartbeat amplification"
  readonly libraries = LORO_EXTENDED_ONLY
  readonly #open = new Map<string, OpenRound>()
  readonly #rounds = new Map<string, HeartbeatRound[]>()
  /** Rounds completed so far (views re-read when it moves). */
  completed = 0

  /** Completed heartbeat rounds of a repo, oldest first. */
  rounds(repoId: string): readonly HeartbeatRound[] {
    return this.#rounds.get(repoId) ?? []
  }

  observe(event: DiagnosticEvent, context: DetectorContext): void {
    switch (event.type) {
      case "heartbeat": {
        this.#close(event.repoId, context)
        let keys = 0
        for (const store of context.world.repo(event.repoId)?.held.values() ?? []) keys += store.size
        this.#open.set(event.repoId, { t: event.t, eventId: event.eventId, keys, channels: new Map() })
        return
      }
      case "frame-out": {
        const round = this.#open.get(event.repoId)
        if (!round) return
        if (event.t - round.t > BURST_MS) {
          this.#close(event.repoId, context)
          return
        }
        const entries = event.payloads.reduce((sum, payload) => sum + payload.count, 0)
        for (const channelId of event.channelIds) {
          const traffic = round.channels.get(channelId) ?? { messages: 0, entries: 0 }
          traffic.messages += event.messages
          traffic.entries += entries
          round.channels.set(channelId, traffic)
        }
        return
      }
      case "frame-in":
        this.#close(event.repoId, context)
        return
      case "repo-gone":
        this.#open.delete(event.repoId)
        this.#rounds.delete(event.repoId)
        return
      case "tick":
        for (const [repoId, round] of this.#open) if (event.t - round.t > BURST_MS) this.#close(repoId, context)
        return
      default:
    }
  }

  #close(repoId: string, context: DetectorContext): void {
    const open = this.#open.get(repoId)
    if (!open) return
    this.#open.delete(repoId)
    if (open.channels.size === 0) return
    let messages = 0
    let entries = 0
    for (const traffic of open.channels.values()) {
      messages += traffic.messages
      entries += traffic.entries
    }
    const round: HeartbeatRound = { ...open, messages, entries }
    const rounds = this.#rounds.get(repoId) ?? []
    this.#judge(repoId, round, rounds, context)
    rounds.push(round)
    if (rounds.length > ROUNDS_KEPT) rounds.shift()
    this.#rounds.set(repoId, rounds)
    this.completed++
  }

  #judge(repoId: string, round: HeartbeatRound, earlier: readonly HeartbeatRound[], context: DetectorContext): void {
    const size = round.keys * round.channels.size
    if (size === 0 || round.entries === 0) return
    const copies = round.entries / size
    const config = context.config
    const details: TextPart[][] = []
    // The latest smaller room to compare with.
    const smaller = [...earlier].reverse().find(previous => previous.entries > 0 && previous.keys * previous.channels.size < size)
    if (smaller) {
      const sizeGrowth = size / (smaller.keys * smaller.channels.size)
      const entryGrowth = round.entries / smaller.entries
      if (entryGrowth > sizeGrowth * config.amplificationGrowth) {
        details.push([
          `Keys × channels grew from ${smaller.keys * smaller.channels.size} to ${size} (×${formatDecimal(sizeGrowth, 1)}) while entries per heartbeat grew from ${smaller.entries} to ${round.entries} (×${formatDecimal(entryGrowth, 1)}): faster than the room.`,
        ])
      }
    }
    if (copies > config.amplificationCeiling)
      details.push([
        `That is ${formatDecimal(copies, 1)} copies of each key per channel, more than the ${config.amplificationCeiling} allowed.`,
      ])
    if (details.length === 0) return
    const label = context.world.label(repoId)
    context.raise({
      id: `amplification|${repoId}`,
      kind: "amplification",
      severity: "warning",
      t: round.t,
      summary: [
        `${label}'s heartbeat sent ${round.entries} entries in ${round.messages} messages for ${round.keys} keys on ${round.channels.size} channel${round.channels.size === 1 ? "" : "s"}: ${formatDecimal(copies, 1)}× what one copy of each key needs`,
      ],
      details: [...details, perChannelLine(round)],
      why: WHY,
      fix: FIX,
      repoId,
      repoLabel: label,
      peers: [],
      evidence: [eventEvidence("the heartbeat", repoId, round.eventId, round.t)],
    })
  }
}

function perChannelLine(round: HeartbeatRound): TextPart[] {
  const parts = [...round.channels].map(([channelId, traffic]) => `#${channelId}: ${traffic.messages} messages, ${traffic.entries} entries`)
  return [`Per channel: ${parts.join("; ")}.`]
}
