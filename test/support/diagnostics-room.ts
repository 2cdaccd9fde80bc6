/**
 * The setup every diagnostics test on real repos shares: a fresh
 * PresenceNetwork per test on the controlled clock, pages (a tab with its
 * panel) that are disposed after the test before the network stops, and a
 * room of a hub with named spokes. Registering the hooks here keeps one
 * order of teardown for every file: the pages let go of their repos before
 * the repos' heartbeats stop and the real clock returns.
 */
import { afterEach, beforeEach, vi } from "vitest"
import { ObservedPage } from "./observed-page"
import { PresenceNetwork, useControlledClock, type Peer } from "./presence-network"

/** The hub and each spoke by its name. */
export type HubRoom<Name extends string> = { readonly hub: Peer } & { readonly [N in Name]: Peer }

export interface DiagnosticsRoom {
  /** This test's network; a new one for each test. */
  readonly network: PresenceNetwork
  /** A page with the real hook on these peers' repos, each labelled with its peer's name. */
  observe(...peers: Peer[]): ObservedPage
  /**
   * A hub (a service) and a spoke (a user) per name, each spoke linked to the
   * hub, then all joined as the demo joins. Heartbeats wait for startHeartbeats.
   */
  room<const Names extends readonly string[]>(...names: Names): Promise<HubRoom<Names[number]>>
}

/** Registers the before/after hooks of the calling test file and returns its room builder. */
export function diagnosticsRoomPerTest(): DiagnosticsRoom {
  let current: PresenceNetwork | undefined
  const pages: ObservedPage[] = []

  beforeEach(() => {
    useControlledClock()
    current = new PresenceNetwork()
  })
  afterEach(() => {
    for (const page of pages.splice(0)) page.dispose()
    current?.dispose()
    current = undefined
    vi.useRealTimers()
  })

  const network = (): PresenceNetwork => {
    if (!current) throw new Error("the diagnostics network exists only while a test runs")
    return current
  }

  return {
    get network() {
      return network()
    },
    observe(...peers) {
      const page = new ObservedPage(peers.map(peer => ({ repo: peer.repo, label: peer.name })))
      pages.push(page)
      return page
    },
    async room(...names) {
      const hub = network().peer("hub", "service")
      const spokes = names.map(name => network().peer(name))
      for (const spoke of spokes) await network().link(hub, spoke)
      for (const spoke of spokes) network().join(spoke)
      return Object.assign({ hub }, Object.fromEntries(spokes.map(spoke => [spoke.name, spoke]))) as HubRoom<(typeof names)[number]>
    },
  }
}
