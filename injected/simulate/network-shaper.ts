/**
 * Simulated network conditions on a repo's channels (see NetworkConditions
 * in protocol/simulate.ts): ephemeral frames the app sends on a conditioned
 * channel, and those arriving on it, go through a NetworkLane per direction;
 * everything else passes on time.
 *
 * Outbound frames are caught in `synchronizer.adapters.send` (every envelope
 * to every adapter), inbound ones in the channel's own `onReceive` (what
 * adapters call), for real channels and the simulated peers' relay alike.
 * Both wraps compose with the devtools' own taps (method-wrap.ts): frames
 * held here reach the taps, and so the Log, when they are let go.
 */
import type { AddressedEnvelope, ChannelMsg } from "@loro-extended/repo"
import type { ChannelConditionsInfo, NetworkConditions } from "../../protocol/simulate"
import { splitEphemeral } from "./ephemeral-split"
import { SimulationError } from "./errors"
import { wrapMethod, type MethodWrap } from "./method-wrap"
import { NetworkLane, realTimers, type LaneTimers } from "./network-lane"
import type { EnvelopeSend } from "./repo-access"

const LIMITS = { delayMs: 10_000, jitterMs: 10_000, dropPercent: 100, reorderPercent: 100 } as const

interface ConditionedChannel {
  conditions: NetworkConditions
  readonly out: NetworkLane
  readonly in: NetworkLane
  readonly receive: MethodWrap
}

type Fields = Record<string, unknown>
const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null

/** Conditions as typed by someone: every field a number within its range, or a clear refusal. */
export function checkConditions(value: unknown): NetworkConditions {
  if (!isObject(value)) throw new SimulationError("invalid-spec", "Network conditions must be an object.")
  const checked = {} as NetworkConditions
  for (const [field, max] of Object.entries(LIMITS) as Array<[keyof NetworkConditions, number]>) {
    const number = value[field] ?? 0
    if (typeof number !== "number" || !Number.isFinite(number) || number < 0 || number > max) {
      throw new SimulationError("invalid-spec", `${field} must be a number from 0 to ${max} (got ${JSON.stringify(value[field])}).`)
    }
    checked[field] = number
  }
  return checked
}

export class NetworkShaper {
  readonly #sync: Fields
  readonly #timers: LaneTimers
  readonly #channels = new Map<number, ConditionedChannel>()
  #send: MethodWrap | undefined

  constructor(repo: unknown, timers: LaneTimers = realTimers) {
    const sync = isObject(repo) ? repo.synchronizer : undefined
    if (!isObject(sync) || !isObject(sync.adapters) || typeof sync.adapters.send !== "function") {
      throw new SimulationError("unsupported-repo", "This repo's synchronizer has no adapters.send: network conditions cannot apply.")
    }
    this.#sync = sync
    this.#timers = timers
  }

  get active(): boolean {
    return this.#channels.size > 0
  }

  /** Sets, changes or (null) removes a channel's conditions; frames held when they are removed arrive now. */
  set(channelId: number, conditions: unknown): void {
    const existing = this.#channels.get(channelId)
    if (conditions === null) {
      if (existing) this.#release(channelId, existing)
      return
    }
    const checked = checkConditions(conditions)
    if (existing) {
      existing.conditions = checked
      existing.out.update(checked)
      existing.in.update(checked)
      return
    }
    const channel = this.#channelObject(channelId)
    this.#installSend()
    const inbound = new NetworkLane(checked, this.#timers)
    const receive = wrapMethod(
      channel as { onReceive: (message: ChannelMsg) => void },
      "onReceive",
      original =>
        function conditionedReceive(this: unknown, message: ChannelMsg): void {
          const { ephemeral, rest } = splitEphemeral(message)
          if (rest) original.call(this, rest)
          if (ephemeral) inbound.pass(() => original.call(this, ephemeral))
        },
    )
    this.#channels.set(channelId, { conditions: checked, out: new NetworkLane(checked, this.#timers), in: inbound, receive })
  }

  /** Channels under conditions; channels the repo removed since are let go first. */
  list(): ChannelConditionsInfo[] {
    const live = this.#modelChannels()
    for (const [channelId, channel] of this.#channels) if (!live?.has(channelId)) this.#release(channelId, channel)
    return [...this.#channels].map(([channelId, { conditions, out, in: inbound }]) => ({
      channelId,
      conditions,
      delivered: out.delivered + inbound.delivered,
      dropped: out.dropped + inbound.dropped,
      pending: out.pending + inbound.pending,
    }))
  }

  /** Removes every condition: held frames arrive now, and the repo's methods are as they were. */
  clear(): void {
    for (const [channelId, channel] of this.#channels) this.#release(channelId, channel)
  }

  #release(channelId: number, channel: ConditionedChannel): void {
    this.#channels.delete(channelId)
    channel.out.flush()
    channel.in.flush()
    channel.receive.dispose()
    if (this.#channels.size === 0) {
      this.#send?.dispose()
      this.#send = undefined
    }
  }

  #modelChannels(): Map<unknown, unknown> | undefined {
    const model = this.#sync.model
    return isObject(model) && model.channels instanceof Map ? model.channels : undefined
  }

  /** The object adapters call `onReceive` on: the adapter's own (the model may hold a copy). */
  #channelObject(channelId: number): Fields {
    if (!this.#modelChannels()?.has(channelId)) {
      throw new SimulationError("unknown-channel", `Channel ${channelId} is not open in this repo (it may have closed).`)
    }
    const adapters = isObject(this.#sync.adapters) ? this.#sync.adapters.adapters : undefined
    for (const adapter of Array.isArray(adapters) ? adapters : []) {
      const channels = isObject(adapter) ? adapter.channels : undefined
      const found =
        isObject(channels) && typeof channels.get === "function"
          ? (channels.get as (id: number) => unknown).call(channels, channelId)
          : undefined
      if (isObject(found) && typeof found.onReceive === "function") return found
    }
    throw new SimulationError("unknown-channel", `No adapter of this repo holds channel ${channelId}.`)
  }

  #installSend(): void {
    if (this.#send) return
    const shaper = this
    this.#send = wrapMethod(
      this.#sync.adapters as { send: EnvelopeSend },
      "send",
      original =>
        function conditionedSend(this: unknown, envelope: AddressedEnvelope): number {
          return shaper.#outbound(original, this, envelope)
        },
    )
  }

  #outbound(original: EnvelopeSend, self: unknown, envelope: AddressedEnvelope): number {
    const conditioned = envelope.toChannelIds.filter(id => this.#channels.has(id))
    if (conditioned.length === 0) return original.call(self, envelope)
    const { ephemeral, rest } = splitEphemeral(envelope.message)
    if (!ephemeral) return original.call(self, envelope)
    const free = envelope.toChannelIds.filter(id => !this.#channels.has(id))
    let sent = free.length > 0 ? original.call(self, { ...envelope, toChannelIds: free }) : 0
    if (rest) original.call(self, { ...envelope, toChannelIds: conditioned, message: rest })
    for (const channelId of conditioned) {
      this.#channels.get(channelId)!.out.pass(() => original.call(self, { ...envelope, toChannelIds: [channelId], message: ephemeral }))
      sent++
    }
    return sent
  }
}
