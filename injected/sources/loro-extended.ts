/**
 * The @loro-extended/repo source: taps a live Repo (5.4.x, and the 6.x shape)
 * through its public `synchronizer`, describes it, snapshots it, and undoes
 * every tap on dispose. The taps themselves live in ./loro-extended/.
 */
import type { LoroExtendedTapName } from "../../protocol/messages"
import { ChannelReceiveTap } from "./loro-extended/channel-receive-tap"
import { installEmitterTap } from "./loro-extended/emitter-tap"
import { summarizeIdentity, summarizeModel } from "./loro-extended/model-summary"
import { detectLibraryVersion, findSynchronizer, namespacedStores, read, type Found } from "./loro-extended/repo-shape"
import { installSendTap } from "./loro-extended/send-taps"
import { snapshotStores } from "./loro-extended/store-entries"
import { installStoreTap } from "./loro-extended/store-tap"
import { TapBoard } from "./shared/tap-board"
import type { TappedRepo, TapRepoOptions } from "./tapped-repo"
import { UpdateFnTap } from "./loro-extended/update-fn-tap"

export { findSynchronizer } from "./loro-extended/repo-shape"

/** The taps, in the order the panel lists them. */
export const LORO_EXTENDED_TAPS = [
  "update-fn",
  "adapters-send",
  "establishment-send",
  "channel-receive",
  "emitter",
  "stores",
] as const satisfies readonly LoroExtendedTapName[]
export type { FaultInjection, RepoSink } from "./shared/tap-board"

export function tapLoroExtendedRepo(repo: unknown, options: TapRepoOptions): Found<TappedRepo> {
  const found = findSynchronizer(repo)
  if (!found.ok) return found
  const sync = found.value
  const { sink, repoId } = options
  const board = new TapBoard(LORO_EXTENDED_TAPS, repoId, sink, options.faults)
  const libraryVersion = options.libraryVersion ?? detectLibraryVersion(sync)

  const updates = new UpdateFnTap(sync, board, sink)
  const channels = new ChannelReceiveTap(sync, board, sink)
  board.install("channel-receive", () => channels.install(updates))
  board.install("update-fn", () => updates.enableEvents())
  board.install("adapters-send", () => installSendTap(sync, board, sink, "adapters-send"))
  board.install("establishment-send", () => installSendTap(sync, board, sink, "establishment-send"))
  board.install("emitter", () => installEmitterTap(sync, board, sink))
  board.install("stores", () => installStoreTap(sync, board, sink))

  const identity = () => summarizeIdentity(read(read(sync, "model"), "identity") ?? read(sync, "identity"))

  return {
    ok: true,
    value: {
      repoId,
      repo: repo as object,
      info() {
        const { peerId, name, type } = identity()
        return {
          repoId,
          label: options.label ?? name ?? `peer ${peerId}`,
          peerId,
          ...(name === undefined ? {} : { name }),
          identityType: type,
          library: "loro-extended",
          libraryVersion,
          origin: options.origin,
          taps: board.statuses(),
          registeredAt: options.registeredAt,
        }
      },
      snapshot() {
        const stores = namespacedStores(sync)
        return {
          snapshot: summarizeModel(read(sync, "model"), read(sync, "readyStates")),
          stores: stores.ok ? snapshotStores(stores.value) : [],
        }
      },
      counts: () => ({ ...board.counts }),
      dispose: () => board.dispose("unregistered"),
    },
  }
}
