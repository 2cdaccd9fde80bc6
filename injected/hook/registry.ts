/**
 * The repos the hook has tapped: ids, the announce on (re)subscribe, and
 * unregistering. A repo registered twice keeps its first registration.
 * automerge-repo's Presence instances register here too: they are no repos
 * of their own, but join the repo whose document they run on.
 */
import type { HookToPanelMessage, RepoInfo, RepoSnapshot } from "../../protocol/messages"
import type { HookBridge } from "../bridge/bridge"
import { isPresence, PresenceDirectory } from "../sources/automerge-repo"
import { type FaultInjection, type RepoSink, type TappedRepo, tapRepo } from "../sources/tap-repo"
import type { HookStats } from "./types"

export interface Registration {
  /** Empty for a Presence: it joins a repo once it talks on one of its documents. */
  readonly repoId: string
  readonly unregister: () => void
}

export interface RegisterRequest {
  origin: RepoInfo["origin"]
  label?: string
  libraryVersion?: string
  faults?: FaultInjection
}

export class RepoRegistry {
  readonly #bridge: HookBridge
  readonly #now: () => number
  readonly #byId = new Map<string, { tapped: TappedRepo; registration: Registration }>()
  readonly #byRepo = new WeakMap<object, Registration>()
  readonly #presences = new PresenceDirectory()
  #nextId = 1
  readonly #onUnregistered: ((repoId: string) => void) | undefined

  /** `onUnregistered` lets what works on a repo (a simulation) end with its registration. */
  constructor(bridge: HookBridge, now: () => number, onUnregistered?: (repoId: string) => void) {
    this.#bridge = bridge
    this.#now = now
    this.#onUnregistered = onUnregistered
  }

  /** The live repo registered as `repoId`, while it is registered. */
  repoOf(repoId: string): object | undefined {
    return this.#byId.get(repoId)?.tapped.repo
  }

  find(repo: unknown): Registration | undefined {
    return typeof repo === "object" && repo !== null ? this.#byRepo.get(repo) : undefined
  }

  /** Whether `value` is a repo or Presence the hook follows already. */
  knows(value: unknown): boolean {
    return this.find(value) !== undefined || this.#presences.has(value)
  }

  /** The registration, or why `repo` cannot be tapped. */
  register(repo: unknown, request: RegisterRequest): { ok: true; value: Registration } | { ok: false; reason: string } {
    const existing = this.find(repo)
    if (existing) return { ok: true, value: existing }
    if (isPresence(repo)) return { ok: true, value: { repoId: "", unregister: this.#presences.register(repo) } }
    const repoId = `repo-${this.#nextId++}`
    const bridge = this.#bridge
    const sink: RepoSink = {
      get listening() {
        return bridge.listening
      },
      onListeningChange: listener => bridge.onListeningChange(listener),
      event: (kind, fields) => bridge.event(repoId, kind, fields),
      message: message => bridge.send(message),
    }
    const tapped = tapRepo(
      repo,
      {
        repoId,
        origin: request.origin,
        sink,
        registeredAt: this.#now(),
        ...(request.label === undefined ? {} : { label: request.label }),
        ...(request.libraryVersion === undefined ? {} : { libraryVersion: request.libraryVersion }),
        ...(request.faults === undefined ? {} : { faults: request.faults }),
      },
      this.#presences,
    )
    if (!tapped.ok) return tapped
    let done = false
    const registration: Registration = {
      repoId,
      unregister: () => {
        if (done) return
        done = true
        this.#unregister(repoId, "unregistered")
      },
    }
    this.#byId.set(repoId, { tapped: tapped.value, registration })
    this.#byRepo.set(tapped.value.repo, registration)
    if (bridge.listening) bridge.send(registeredMessage(tapped.value))
    return { ok: true, value: registration }
  }

  /** Queues repo/registered with a fresh snapshot for every repo. */
  announceAll(): void {
    for (const { tapped } of this.#byId.values()) this.#bridge.send(registeredMessage(tapped))
  }

  /** Every repo with its model and stores as they are now. */
  snapshots(): RepoSnapshot[] {
    return Array.from(this.#byId.values(), ({ tapped }) => repoSnapshot(tapped))
  }

  infos(): RepoInfo[] {
    return Array.from(this.#byId.values(), ({ tapped }) => tapped.info())
  }

  counts(): HookStats["repos"] {
    return Array.from(this.#byId.values(), ({ tapped }) => ({ repoId: tapped.repoId, counts: tapped.counts() }))
  }

  /** Unregisters everything (the hook itself is going away). */
  disposeAll(): void {
    for (const { registration } of Array.from(this.#byId.values())) registration.unregister()
    this.#presences.dispose()
  }

  #unregister(repoId: string, reason: string): void {
    const entry = this.#byId.get(repoId)
    if (!entry) return
    this.#byId.delete(repoId)
    this.#byRepo.delete(entry.tapped.repo)
    entry.tapped.dispose()
    this.#bridge.send({ type: "repo/unregistered", repoId, reason })
    this.#onUnregistered?.(repoId)
  }
}

function registeredMessage(tapped: TappedRepo): HookToPanelMessage {
  return { type: "repo/registered", ...repoSnapshot(tapped) }
}

function repoSnapshot(tapped: TappedRepo): RepoSnapshot {
  const repo = tapped.info()
  try {
    return { repo, ...tapped.snapshot() }
  } catch {
    // The repo is still tapped; its events will fill the picture in.
    const identity = { peerId: repo.peerId, type: repo.identityType, ...(repo.name === undefined ? {} : { name: repo.name }) }
    return { repo, snapshot: { identity, peers: [], channels: [], documents: [] }, stores: [] }
  }
}
