/**
 * A recording's peers as a test fixture: what the Record view exports with
 * "Export test fixture" and `replayFixture` (injected/simulate/fixture-player.ts)
 * plays into a real repo in a Node test. Types only, like the rest of protocol/.
 *
 * The fixture is the replay plan itself: each recorded visit of a peer (from
 * its first value to its deletion) becomes a simulated peer added, updated
 * and removed at the recorded times (ms from the fixture's start), its values
 * moving by keyframes. Replayed peers get fresh ids, never the recorded ones.
 */
import type { SimulatedNamespaceSpec, SimulatedPeerSpec } from "./simulate"

export const FIXTURE_FORMAT = "ephemera-presence-fixture"
export const FIXTURE_VERSION = 1

export type FixtureAction =
  /** A visit starts: a simulated peer with these namespaces (docId and visibility are the player's to choose). */
  | { readonly at: number; readonly kind: "add"; readonly visit: string; readonly recordedId: string; readonly spec: SimulatedPeerSpec }
  /** A namespace of a visit starts, continues in a new window of keyframes, or (null) stops. */
  | {
      readonly at: number
      readonly kind: "update"
      readonly visit: string
      readonly namespace: string
      readonly spec: SimulatedNamespaceSpec | null
    }
  /** A visit ends: the peer leaves and its entries are deleted. */
  | { readonly at: number; readonly kind: "remove"; readonly visit: string }

export interface PresenceFixture {
  format: typeof FIXTURE_FORMAT
  version: typeof FIXTURE_VERSION
  /** The recorded room, e.g. `room:lobby`; the player may replay into another. */
  docId: string
  /** When the recording was made (ms since epoch), and by which extension version. */
  recordedAt: number
  extensionVersion: string
  /** The recorded peers replayed (ids as recorded, and names). */
  peers: Array<{ recordedId: string; name: string }>
  /** In time order; at equal times adds come first and removals last. */
  actions: FixtureAction[]
}
