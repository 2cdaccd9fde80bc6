/**
 * The @automerge/automerge-repo source (2.x): taps a live Repo through its
 * network subsystem, its collection synchronizer and its document handles,
 * and the Presence instances registered with the hook (presence-directory.ts).
 * The taps themselves live in ./automerge-repo/.
 */
import type { AutomergeRepoTapName } from "../../protocol/messages"
import { AdapterDirectory, metadataOf } from "./automerge-repo/adapters"
import { HandleTap } from "./automerge-repo/handle-tap"
import { ModelReader } from "./automerge-repo/model"
import { ModelEvents } from "./automerge-repo/model-events"
import { installNetworkIn, installNetworkOut } from "./automerge-repo/network-taps"
import type { PresenceDirectory } from "./automerge-repo/presence-directory"
import { PresenceReporter } from "./automerge-repo/presence-reporter"
import { detectLibraryVersion, findAutomergeRepo } from "./automerge-repo/repo-shape"
import { SyncStates } from "./automerge-repo/sync-states"
import { type Found, read } from "./shared/read"
import { TapBoard } from "./shared/tap-board"
import type { TappedRepo, TapRepoOptions } from "./tapped-repo"

export { findAutomergeRepo, isPresence } from "./automerge-repo/repo-shape"
export { PresenceDirectory } from "./automerge-repo/presence-directory"

/** The taps, in the order the panel lists them. */
export const AUTOMERGE_REPO_TAPS = [
  "peers",
  "network-in",
  "network-out",
  "sync-state",
  "handles",
  "presence",
] as const satisfies readonly AutomergeRepoTapName[]

export function tapAutomergeRepo(repo: unknown, options: TapRepoOptions, presences: PresenceDirectory): Found<TappedRepo> {
  const found = findAutomergeRepo(repo)
  if (!found.ok) return found
  const { sink, repoId } = options
  const board = new TapBoard(AUTOMERGE_REPO_TAPS, repoId, sink, options.faults)
  const libraryVersion = options.libraryVersion ?? detectLibraryVersion(found.value.repo)
  const { network, synchronizer } = found.value

  let modelEvents: ModelEvents | undefined
  const changed = (cause: string) => modelEvents?.changed(cause)
  const directory = new AdapterDirectory(network, changed)
  const syncStates = new SyncStates()
  const reader = new ModelReader(found.value, directory, syncStates)
  modelEvents = new ModelEvents(reader, board, sink)
  const selfId = () => reader.peerId
  const reporter = new PresenceReporter(presences, board, sink, selfId)
  const handles = new HandleTap({
    found: found.value,
    board,
    sink,
    directory: presences,
    host: reporter,
    selfId,
    documentAdded: () => changed("document"),
  })
  const activity = { syncTraffic: changed }

  board.install("peers", () => {
    const synchronizerPeers = read(synchronizer, "peers")
    const known = Array.isArray(synchronizerPeers) ? synchronizerPeers.map(String) : []
    return directory.install(known, peerId => metadataOf(read(read(found.value.repo, "peerMetadataByPeerId"), peerId)))
  })
  board.install("network-in", () => installNetworkIn(network, directory, board, sink, activity))
  board.install("network-out", () => installNetworkOut(directory, board, sink, activity))
  board.install("sync-state", () => syncStates.install(synchronizer, board, () => changed("sync-state")))
  board.install("handles", () => handles.install())
  board.install("presence", () => () => reporter.dispose())

  return {
    ok: true,
    value: {
      repoId,
      repo: repo as object,
      info() {
        const peerId = reader.peerId
        return {
          repoId,
          label: options.label ?? `peer ${peerId}`,
          peerId,
          identityType: reader.selfType,
          library: "automerge-repo",
          libraryVersion,
          origin: options.origin,
          taps: board.statuses(),
          registeredAt: options.registeredAt,
        }
      },
      snapshot() {
        return { snapshot: modelEvents.snapshot(), stores: [...reporter.snapshot(), ...handles.snapshot()] }
      },
      counts: () => ({ ...board.counts }),
      dispose: () => {
        modelEvents.dispose()
        board.dispose("unregistered")
      },
    },
  }
}
