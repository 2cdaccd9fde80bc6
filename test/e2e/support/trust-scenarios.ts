/**
 * The trust boundary, tried as an attacker would, written once for both
 * browsers: a page whose first script hears every window message and pairing
 * event it can, then replays and forges the relay's, the panel's and the
 * hook's messages, offers its own channel to the hook, asks the relay for
 * its port, and emits the hook's control messages through the hook's API.
 */
import { expect } from "vitest"
import { HEADER_BYTES } from "../../../devtools-panel/recording/format"
import { writeHeader } from "../../../devtools-panel/recording/header"
import { PROTOCOL_VERSION } from "../../../protocol/messages"
import { demoReady, panelState, waitForPanelToEqualPage } from "./demo-page"
import type { HostileDemo } from "./hostile-demo"
import type { BrowserSession, Evaluator } from "./session"
import { waitFor } from "./wait"

/** What a scenario needs of a browser session. */
export type TrustSession = Pick<BrowserSession, "openTab" | "openPanel">

interface AttackResult {
  posted: number
  pairingEvents: number
  /** Whether the hook took the page's channel. */
  taken: boolean
  /** typeof hook.onCommand */
  canHear: string
}

/** One round of the attack, run in the page: every message it can forge, every way it has. */
function attack(protocols: number[]): AttackResult {
  const w = window as any
  const hook = w.__EPHEMERA_DEVTOOLS_HOOK__
  const repoId = hook.repos()[0].repoId
  const docId = w.demo.docId
  const forgedPeer = {
    name: "forged",
    docId,
    visibility: "network",
    namespaces: {
      presence: { value: { name: "forged", color: "#f00" }, behaviour: { kind: "static" } },
      cursor: { value: { x: 5, y: 5 }, behaviour: { kind: "static" } },
    },
  }
  const commands = [
    { type: "simulate/add", requestId: "forged-add", repoId, peers: [forgedPeer] },
    { type: "panel/unsubscribe" },
    { type: "simulate/remove-all", requestId: "forged-remove", repoId },
    { type: "attach/path", requestId: "forged-attach", path: "demo.peers.0.repo" },
  ]
  const huge = 2 ** 53 - 1
  const forgedMessages = [
    { type: "hook/hello", protocol: protocols[0], hookVersion: "6.6.6", url: location.href, instance: "forged" },
    {
      type: "simulate/state",
      repoId,
      keepOnClose: false,
      peers: [{ peerId: "9999999", name: "forged", docId, visibility: "network", state: "live", paused: false }],
    },
    { type: "hook/dropped", count: 1e15, reason: "forged" },
  ]
  let posted = 0
  const post = (data: unknown) => {
    window.postMessage(data, "*")
    posted++
  }
  // Replay everything heard on the window before the attack began (not the attack's own echoes: that doubles every round).
  w.__hostile.heardBefore ??= w.__hostile.seen.messages.slice()
  const heard: unknown[] = w.__hostile.heardBefore
  for (const data of heard) post(data)
  const nonces = [
    "",
    "forged",
    ...new Set<string>(heard.map((data: any) => data?.nonce).filter((nonce: unknown) => typeof nonce === "string")),
  ]
  for (const protocol of protocols) {
    for (const nonce of nonces)
      for (const message of [{ type: "relay/hello" }, ...commands]) post({ source: "ephemera:relay", protocol, nonce, message })
    post({ source: "ephemera:page", protocol, batchJson: JSON.stringify({ seq: huge, messages: forgedMessages }), count: 1 })
    post({
      source: "ephemera:page",
      protocol,
      type: "page/batch",
      seq: huge,
      batchJson: JSON.stringify({ messages: forgedMessages }),
      count: 1,
    })
  }
  // Pairing: ask the relay for the hook's port, and offer the hook a channel of our own.
  window.dispatchEvent(new Event("ephemera:hook-ready"))
  const channel = new MessageChannel()
  const taken = !window.dispatchEvent(new MessageEvent("ephemera:relay-port", { cancelable: true, ports: [channel.port2] }))
  for (const message of commands) channel.port1.postMessage(message)
  channel.port1.postMessage({ type: "page/batch", seq: huge, count: 1, batchJson: JSON.stringify({ messages: forgedMessages }) })
  // The hook's own API: only the page's repo data may go through it.
  for (const message of forgedMessages) hook.emit(message)
  hook.flush()
  return { posted, pairingEvents: 2, taken, canHear: typeof hook.onCommand }
}

/** Every presence, cursor and typing key a demo page holds, sorted. */
/** Keys of the page's stores, the hub's own server presence left out (it is a real peer of the room). */
function storeKeys(page: Evaluator): Promise<string[]> {
  return page.evaluate(() => {
    const peer = (window as any).demo.peers[0]
    const presence = peer.getStates("presence")
    const keys = ["presence", "cursor", "typing"].flatMap(namespace => Object.keys(peer.getStates(namespace)))
    return [...new Set(keys)].filter(key => presence[key]?.type !== "server").sort()
  })
}

async function panelText(panel: Evaluator, testId: string, attribute?: string): Promise<string> {
  return panel.evaluate(
    ({ id, name }: { id: string; name?: string }) => {
      const element = document.querySelector(`[data-testid="${id}"]`)
      return (name ? element?.getAttribute(name) : element?.textContent) ?? ""
    },
    { id: testId, name: attribute },
  )
}

export async function hostilePageCannotCommandBlindOrFreeze(session: TrustSession, hostile: HostileDemo, room: string): Promise<void> {
  const alice = await session.openTab(hostile.url(room, "alice"))
  const bob = await session.openTab(hostile.url(room, "bob"))
  const [alicePeer] = await demoReady(alice.page)
  const [bobPeer] = await demoReady(bob.page)
  const panel = await session.openPanel(alice.tabId)
  await waitFor(
    () => panel.evaluate(() => document.querySelector('[data-testid="repo-item"][data-label="alice"]') !== null),
    "alice's repo in the panel",
  )
  await waitFor(() => alice.page.evaluate(() => (window as any).__EPHEMERA_DEVTOOLS_HOOK__.listening === true), "the hook subscribed")
  const hookVersion: string = await alice.page.evaluate(() => (window as any).__EPHEMERA_DEVTOOLS_HOOK__.version)

  // Before the attack, the first script has heard nothing of Ephemera's: no port, no pairing but its own request.
  const heard = await alice.page.evaluate(() => {
    const seen = (window as any).__hostile.seen
    return {
      ours: seen.messages.filter((data: any) => typeof data?.source === "string" && data.source.startsWith("ephemera")).length,
      ports: seen.ports,
      pairing: seen.pairing,
    }
  })
  expect(heard).toEqual({ ours: 0, ports: 0, pairing: [{ type: "ephemera:hook-ready", ports: 0 }] })

  const protocols = [PROTOCOL_VERSION - 1, PROTOCOL_VERSION]
  let posted = 0
  let pairingEvents = 1 // the listener's own request for the port, at load
  for (let round = 1; round <= 20; round++) {
    const result: AttackResult = await alice.page.evaluate(attack, protocols)
    expect(result.taken).toBe(false)
    expect(result.canHear).toBe("undefined")
    posted += result.posted
    pairingEvents += result.pairingEvents
    await alice.page.evaluate((n: number) => (window as any).demo.peers[0].setCursor(n, n), round)
  }

  // Legitimate traffic still arrives, in the panel and in the other tab.
  await alice.page.evaluate(() => (window as any).demo.peers[0].setCursor(-1, -1))
  await waitForPanelToEqualPage(panel, alice.page, "alice", "cursor", alicePeer!, "the last legitimate cursor in the panel")
  await waitFor(
    () => bob.page.evaluate((id: string) => (window as any).demo.peers[0].getStates("cursor")[id]?.x === -1, alicePeer),
    "alice's last cursor at bob",
  )

  // Not unsubscribed, not frozen, not reset, nothing lost or invented.
  expect(await alice.page.evaluate(() => (window as any).__EPHEMERA_DEVTOOLS_HOOK__.listening)).toBe(true)
  const state = await panelState(panel)
  expect(state.lost).toBe(0)
  expect(state.repos.filter(repo => repo.label === "alice").map(repo => repo.gone)).toEqual([false])
  expect(await panelText(panel, "hook-version")).toBe(hookVersion)
  expect(await panelText(panel, "page-status", "data-connected")).toBe("true")
  expect(await panelText(panel, "page-status", "data-silent")).toBe("false")

  // No simulated peer: not in either tab, not in the panel.
  const realPeers = [alicePeer!, bobPeer!].sort()
  expect(await storeKeys(alice.page)).toEqual(realPeers)
  expect(await storeKeys(bob.page)).toEqual(realPeers)
  await panel.evaluate(() => (document.querySelector('[data-testid="tab-simulate"]') as HTMLElement).click())
  expect(await panel.evaluate(() => document.querySelectorAll('[data-testid="sim-peer-row"]').length)).toBe(0)

  // Every forgery counted, by reason.
  await waitFor(async () => Number(await panelText(panel, "relay-dropped")) >= posted + pairingEvents, "every hostile message counted")
  const reasons = await panelText(panel, "relay-drop-reasons")
  for (const reason of ["spoofed-relay", "spoofed-page", "spoofed-pairing"]) expect(reasons).toContain(reason)

  await panel.close()
  await alice.page.close()
  await bob.page.close()
}

/**
 * A page whose thread is stuck sends nothing, heartbeats included: after
 * three seconds the status bar says since when, and "connected" again once
 * the page is back.
 */
export async function silentPageShownAsSilent(session: TrustSession, demoUrl: string, room: string): Promise<void> {
  const { page, tabId } = await session.openTab(`${demoUrl}/?room=${room}&name=stilly&autopilot=0`)
  await demoReady(page)
  const panel = await session.openPanel(tabId)
  await waitFor(() => page.evaluate(() => (window as any).__EPHEMERA_DEVTOOLS_HOOK__.listening === true), "the hook subscribed")
  await waitFor(async () => (await panelText(panel, "page-status")).includes("Page connected"), "the page connected")

  // Long enough that the silence shows for seconds, however slowly this machine polls.
  const frozen = page.evaluate(() => {
    const until = Date.now() + 8_000
    while (Date.now() < until) {
      // The page's thread is busy: no hook, no relay, no heartbeat.
    }
  })
  await waitFor(async () => (await panelText(panel, "page-status", "data-silent")) === "true", "the silence shown", 12_000)
  expect(await panelText(panel, "page-status")).toMatch(/No data from the page since \d\d:\d\d:\d\d\.\d{3}/)
  expect(await panelText(panel, "page-status", "data-connected")).toBe("true")
  await frozen
  await waitFor(async () => (await panelText(panel, "page-status")).includes("Page connected"), "the page back")
  await panel.close()
  await page.close()
}

/** A 5 MB value reaches the panel as a summary with its size and head, under its key. */
export async function hugeValueArrivesAsSummary(session: TrustSession, demoUrl: string, room: string): Promise<void> {
  const { page, tabId } = await session.openTab(`${demoUrl}/?room=${room}&name=hugo&autopilot=0`)
  const [peerId] = await demoReady(page)
  const panel = await session.openPanel(tabId)
  await waitFor(() => page.evaluate(() => (window as any).__EPHEMERA_DEVTOOLS_HOOK__.listening === true), "the hook subscribed")
  await page.evaluate(() => {
    const peer = (window as any).demo.peers[0]
    const store = peer.repo.synchronizer.getOrCreateNamespacedStore((window as any).demo.docId, "attachments")
    store.set(peer.peerId, "x".repeat(5 * 1024 * 1024))
  })
  const summary = await waitFor(async () => {
    const state = await panelState(panel)
    const room = state.repos.find(repo => repo.label === "hugo")?.rooms.find(candidate => candidate.namespaces.attachments)
    return room?.namespaces.attachments?.[peerId!]?.value as Record<string, unknown> | undefined
  }, "the 5 MB value's key in the panel")
  expect(summary).toMatchObject({ $ephemera: "oversized", valueType: "string", headBytes: 64 * 1024 })
  expect(summary.bytes).toBeGreaterThan(5 * 1024 * 1024)
  expect((summary.head as string).length).toBe(64 * 1024)

  await panel.evaluate(() => (document.querySelector('[data-testid="repo-item"][data-label="hugo"]') as HTMLElement | null)?.click())
  await panel.evaluate(
    (docId: string) => (document.querySelector(`[data-testid="room-item"][data-doc-id="${docId}"]`) as HTMLElement | null)?.click(),
    `room:${room}`,
  )
  await waitFor(
    () =>
      panel.evaluate(
        () =>
          document
            .querySelector('[data-testid="namespace-section"][data-namespace="attachments"]')
            ?.textContent?.includes("string, 5.0 MB: first 64.0 kB shown") === true,
      ),
    "the summary on screen",
  )
  expect((await panelState(panel)).lost).toBe(0)
  await panel.close()
  await page.close()
}

/**
 * A recording whose payload is a 1 GB gzip bomb, opened in the panel's
 * Record view: refused with the
 * message that says why. Returns how long the panel took, from the file
 * being chosen to the message on screen (measured in the panel's own clock).
 */
export async function bombRefusedInPanel(session: TrustSession, demoUrl: string, gzipPayload: Uint8Array): Promise<number> {
  // Framed as the exporter frames a recording: the header, then the gzip payload.
  const bomb = new Uint8Array(HEADER_BYTES + gzipPayload.length)
  bomb.set(writeHeader(gzipPayload.length))
  bomb.set(gzipPayload, HEADER_BYTES)
  const { page, tabId } = await session.openTab(`${demoUrl}/?room=bomb&name=ben&autopilot=0`)
  await demoReady(page)
  const panel = await session.openPanel(tabId)
  await panel.evaluate(() => (document.querySelector('[data-testid="tab-record"]') as HTMLElement).click())
  await waitFor(() => panel.evaluate(() => document.querySelector('[data-testid="rec-open-input"]') !== null), "the open button")
  const base64 = Buffer.from(bomb).toString("base64")
  await panel.evaluate((data: string) => {
    const bytes = Uint8Array.from(atob(data), char => char.charCodeAt(0))
    const input = document.querySelector<HTMLInputElement>('[data-testid="rec-open-input"]')!
    const files = new DataTransfer()
    files.items.add(new File([bytes], "bomb.ephrec", { type: "application/octet-stream" }))
    const w = window as any
    w.__bombRefusedAfter = undefined
    const started = performance.now()
    const watch = new MutationObserver(() => {
      if (document.querySelector('[data-testid="rec-error"]')?.textContent?.startsWith("Recording refused")) {
        w.__bombRefusedAfter = performance.now() - started
        watch.disconnect()
      }
    })
    watch.observe(document.body, { subtree: true, childList: true, characterData: true })
    input.files = files.files
    input.dispatchEvent(new Event("change", { bubbles: true }))
  }, base64)
  const elapsed: number = await waitFor(() => panel.evaluate(() => (window as any).__bombRefusedAfter), "the bomb refused")
  const message = await panelText(panel, "rec-error")
  expect(message).toMatch(
    /^Recording refused: [\d.]+ KB of its compressed data already expand to over [\d.]+ MB, more than 50 times their size, which no real recording does: it looks like a decompression bomb$/,
  )
  await panel.close()
  await page.close()
  return elapsed
}
