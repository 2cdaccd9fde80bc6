/**
 * A recording's peers as a test fixture (protocol/fixture.ts): the replay
 * plan of the chosen peers of one recorded room, at recorded speed, from a
 * position on. A Node test plays it into real repos with `replayFixture`.
 */
import { FIXTURE_FORMAT, FIXTURE_VERSION, type PresenceFixture } from "../../protocol/fixture"
import type { PanelState } from "../state/panel-state"
import { planReplay } from "./replay-plan"
import { plannedPeers, replayCandidates } from "./replay-peers"
import type { StepIndex } from "./steps"

export interface FixtureSource {
  index: StepIndex
  repoId: string
  docId: string
  /** Step to start from, and the state there (its values are the peers' first). */
  from: number
  fromState: PanelState
  /** The state at the end, to name the peers. */
  finalState: PanelState
  /** Recorded peers (store keys) to include. */
  peers: ReadonlySet<string>
  recordedAt: number
  extensionVersion: string
}

export function fixtureOf(source: FixtureSource): PresenceFixture {
  const { index, repoId, docId, from, fromState } = source
  const actions = planReplay(index, { repoId, docId, from, fromState }, { docId, visibility: "local", speed: 1, peers: source.peers })
  const names = new Map(
    replayCandidates(source.finalState, repoId, docId, plannedPeers(actions)).map(candidate => [candidate.key, candidate.name]),
  )
  return {
    format: FIXTURE_FORMAT,
    version: FIXTURE_VERSION,
    docId,
    recordedAt: source.recordedAt,
    extensionVersion: source.extensionVersion,
    peers: [...source.peers].map(recordedId => ({ recordedId, name: names.get(recordedId) ?? recordedId })),
    actions,
  }
}

/** The file's text: JSON, one action per line so diffs of fixtures in a repo stay readable. */
export function fixtureText(fixture: PresenceFixture): string {
  const { actions, ...head } = fixture
  const lines = actions.map(action => `    ${JSON.stringify(action)}`)
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, "")
  return `${headText},\n  "actions": [\n${lines.join(",\n")}\n  ]\n}\n`
}
