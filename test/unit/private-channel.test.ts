/**
 * The private channel between the page hook (injected/bridge/relay-channel.ts)
 * and the content relay (extension/relay/pairing.ts), both ends real, on
 * Node's MessageChannel: pairing in either order, and what a page that
 * comes after can and cannot do to it.
 */
import { afterEach, describe, expect, it } from "vitest"
import { pairWithHook, type Pairing } from "../../extension/relay/pairing"
import { MAX_ANNOUNCEMENTS, relayChannel } from "../../injected/bridge/relay-channel"
import type { HookTransport } from "../../injected/bridge/transport"
import { HOOK_READY_EVENT, PROTOCOL_VERSION, RELAY_PORT_EVENT, type HookToRelayMessage } from "../../protocol/messages"
import { until } from "../support/fake-port"
import { FakeWindow } from "../support/fake-window"

interface Ends {
  win: FakeWindow
  hook: HookTransport
  relay: Pairing
  forgeries: () => number
  /** What reached each end. */
  atHook: unknown[]
  atRelay: unknown[]
}

const opened: Pairing[] = []
afterEach(() => {
  for (const pairing of opened.splice(0)) pairing.stop()
})

function load(order: "hook first" | "relay first"): Ends {
  const win = new FakeWindow()
  let forgeries = 0
  const relayOf = () => pairWithHook(win as unknown as Window, { onForgery: () => void forgeries++ })
  let hook: HookTransport
  let relay: Pairing
  if (order === "hook first") {
    hook = relayChannel(win as unknown as Window, { hookVersion: "0.1.0" })
    relay = relayOf()
  } else {
    relay = relayOf()
    hook = relayChannel(win as unknown as Window, { hookVersion: "0.1.0" })
  }
  opened.push(relay)
  const atHook: unknown[] = []
  const atRelay: unknown[] = []
  hook.listen(message => atHook.push(message))
  relay.port.addEventListener("message", event => atRelay.push(event.data))
  relay.port.start()
  return { win, hook, relay, forgeries: () => forgeries, atHook, atRelay }
}

const batch = (seq: number): HookToRelayMessage => ({ type: "page/batch", seq, count: 1, batchJson: `{"messages":[]}` })

describe("pairing", () => {
  it.each(["hook first", "relay first"] as const)("pairs at once when the %s loads, and carries both ways", async order => {
    const ends = load(order)
    expect(ends.relay.paired).toBe(true)
    ends.relay.port.postMessage({ type: "panel/subscribe" })
    ends.hook.post(batch(0))
    await until(() => ends.atHook.length === 1 && ends.atRelay.length === 1, 2_000, "a message each way")
    expect(ends.atHook).toEqual([{ type: "panel/subscribe" }])
    expect(ends.atRelay).toEqual([batch(0)])
    expect(ends.forgeries()).toBe(0)
  })

  it("a relay alone stays unpaired, and a hook alone sends nothing anywhere", () => {
    const win = new FakeWindow()
    const relay = pairWithHook(win as unknown as Window, { onForgery: () => {} })
    opened.push(relay)
    expect(relay.paired).toBe(false)
    const lonely = relayChannel(new FakeWindow() as unknown as Window, { hookVersion: "0.1.0" })
    expect(() => lonely.post(batch(0))).not.toThrow()
  })
})

describe("a page script, which runs after pairing", () => {
  it("sees no pairing event, and the ones it dispatches are counted and change nothing", async () => {
    const ends = load("hook first")
    const seen: Array<{ type: string; ports: number }> = []
    for (const type of [HOOK_READY_EVENT, RELAY_PORT_EVENT]) {
      ends.win.addEventListener(type, event => seen.push({ type, ports: event instanceof MessageEvent ? event.ports.length : 0 }))
    }
    // Asking for the port as if it were a late hook: the relay does not offer it again.
    ends.win.dispatchEvent(new Event(HOOK_READY_EVENT))
    expect(seen).toEqual([{ type: HOOK_READY_EVENT, ports: 0 }])
    // Offering its own port as if it were the relay: the hook does not take it.
    const forged = new MessageChannel()
    const taken = !ends.win.dispatchEvent(new MessageEvent(RELAY_PORT_EVENT, { cancelable: true, ports: [forged.port2] }))
    expect(taken).toBe(false)
    expect(ends.forgeries()).toBe(2)

    const atForged: unknown[] = []
    forged.port1.addEventListener("message", event => atForged.push(event.data))
    forged.port1.start()
    forged.port1.postMessage({ type: "panel/unsubscribe" })
    ends.hook.post(batch(1))
    ends.relay.port.postMessage({ type: "panel/ping", nonce: "still mine" })
    await until(() => ends.atRelay.length === 1 && ends.atHook.length === 1, 2_000, "the real channel")
    expect(ends.atHook).toEqual([{ type: "panel/ping", nonce: "still mine" }])
    expect(atForged).toEqual([])
    forged.port1.close()
  })

  it("that replaces the port's postMessage and the event's data getter never gets the hook's port", async () => {
    const ends = load("relay first")
    const realPost = MessagePort.prototype.postMessage
    const realData = Object.getOwnPropertyDescriptor(MessageEvent.prototype, "data")!
    const handedToPage: unknown[] = []
    try {
      MessagePort.prototype.postMessage = function (this: MessagePort, ...args: unknown[]) {
        handedToPage.push(this)
        return Reflect.apply(realPost, this, args)
      }
      Object.defineProperty(MessageEvent.prototype, "data", {
        configurable: true,
        get(this: MessageEvent) {
          handedToPage.push(this.currentTarget)
          return Reflect.apply(realData.get!, this, [])
        },
      })
      ends.hook.post(batch(7))
      ends.relay.port.postMessage({ type: "discovery/scan" })
      await until(() => ends.atRelay.length === 1 && ends.atHook.length === 1, 2_000, "both messages")
    } finally {
      MessagePort.prototype.postMessage = realPost
      Object.defineProperty(MessageEvent.prototype, "data", realData)
    }
    expect(ends.atRelay).toEqual([batch(7)])
    expect(ends.atHook).toEqual([{ type: "discovery/scan" }])
    // This test's relay end lives in the same realm, so the page's functions saw the relay's port; never the hook's.
    expect(handedToPage.length).toBeGreaterThan(0)
    expect(handedToPage.every(target => target === ends.relay.port)).toBe(true)
  })
})

describe("a relay of another protocol version (another copy of Ephemera)", () => {
  /** Offers a port as a relay speaking `protocol` would; what comes back on it is collected. */
  function offer(win: FakeWindow, protocol: unknown) {
    const channel = new MessageChannel()
    const heard: unknown[] = []
    channel.port1.addEventListener("message", event => heard.push(event.data))
    channel.port1.start()
    const taken = !win.dispatchEvent(new MessageEvent(RELAY_PORT_EVENT, { cancelable: true, data: protocol, ports: [channel.port2] }))
    return { taken, heard, close: () => channel.port1.close() }
  }

  it("hears the hook's version instead of a channel, once per version, and the hook still pairs with its own relay", async () => {
    const win = new FakeWindow()
    const hook = relayChannel(win as unknown as Window, { hookVersion: "0.1.0" })
    const newer = offer(win, PROTOCOL_VERSION + 1)
    const again = offer(win, PROTOCOL_VERSION + 1)
    expect(newer.taken).toBe(true)
    expect(again.taken).toBe(false)
    await until(() => newer.heard.length === 1, 2_000, "the announcement")
    expect(newer.heard).toEqual([{ announce: "version", protocol: PROTOCOL_VERSION, hookVersion: "0.1.0" }])

    let forgeries = 0
    const relay = pairWithHook(win as unknown as Window, { onForgery: () => void forgeries++ })
    opened.push(relay)
    expect(relay.paired).toBe(true)
    const atRelay: unknown[] = []
    relay.port.addEventListener("message", event => atRelay.push(event.data))
    relay.port.start()
    hook.post(batch(0))
    await until(() => atRelay.length === 1, 2_000, "the batch on our relay's channel")
    expect(atRelay).toEqual([batch(0)])
    expect(newer.heard).toHaveLength(1)
    for (const other of [newer, again]) other.close()
  })

  it("a page offering ports of ever new versions gets a few answers, and an offer without a version none", () => {
    const win = new FakeWindow()
    relayChannel(win as unknown as Window, { hookVersion: "0.1.0" })
    const offers = Array.from({ length: 100 }, (_, i) => offer(win, 100 + i))
    expect(offers.filter(o => o.taken)).toHaveLength(MAX_ANNOUNCEMENTS)
    const unversioned = ["4", undefined, 1.5, { protocol: PROTOCOL_VERSION }].map(data => offer(win, data))
    expect(unversioned.some(o => o.taken)).toBe(false)
    for (const o of [...offers, ...unversioned]) o.close()
  })
})
