/**
 * The few parts of a live @loro-extended/repo Repo (5.x or 6.x) the engine
 * uses, found by feature detection: the page hook never bundles the library,
 * so the repo arrives as `unknown` and is narrowed here once.
 */
import type { AddressedEnvelope } from "@loro-extended/repo"
import { SimulationError } from "./errors"

export type EnvelopeSend = (envelope: AddressedEnvelope) => number

/** `synchronizer.adapters`: every envelope the repo sends leaves through these two methods. */
export interface OutboundMethods {
  send: EnvelopeSend
  sendEstablishmentMessage: EnvelopeSend
}

/** What the engine reads from an EphemeralStore. */
export interface StoreReader {
  get(key: string): unknown
  encode(key: string): Uint8Array
}

export interface RepoAccess {
  readonly outbound: OutboundMethods
  addAdapter(adapter: object): Promise<void>
  removeAdapter(adapterId: string): Promise<void>
  /** A room exists while the repo holds its document or any ephemeral store for it. */
  docExists(docId: string): boolean
  store(docId: string, namespace: string): StoreReader | undefined
  /**
   * Whether a frame handed to the repo is applied before the call returns.
   * With middleware (e.g. a rate limiter) the repo applies it later, if at all.
   */
  appliesSynchronously(): boolean
}

type Fields = Record<string, unknown>

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null
}

function unsupported(detail: string): never {
  throw new SimulationError("unsupported-repo", `This repo cannot host simulated peers: ${detail}.`)
}

function isStoreReader(value: unknown): value is StoreReader {
  return isObject(value) && typeof value.get === "function" && typeof value.encode === "function"
}

export function accessRepo(repo: unknown): RepoAccess {
  if (!isObject(repo)) unsupported("it is not an object")
  const sync = repo.synchronizer
  if (!isObject(sync)) unsupported("it has no `synchronizer` (expected a @loro-extended/repo Repo)")
  const adapters = sync.adapters
  if (!isObject(adapters) || typeof adapters.send !== "function" || typeof adapters.sendEstablishmentMessage !== "function") {
    unsupported("`synchronizer.adapters` has no send/sendEstablishmentMessage")
  }
  // Repo#addAdapter is the public entry; the synchronizer has the same pair.
  const host = typeof repo.addAdapter === "function" ? repo : sync
  if (typeof host.addAdapter !== "function" || typeof host.removeAdapter !== "function") {
    unsupported("it has no addAdapter/removeAdapter (added in @loro-extended/repo 5.x)")
  }
  if (!(sync.docNamespacedStores instanceof Map)) unsupported("`synchronizer.docNamespacedStores` is not a Map")
  if (!isObject(sync.model) || !(sync.model.documents instanceof Map)) unsupported("`synchronizer.model.documents` is not a Map")

  const addAdapter = host.addAdapter as (adapter: object) => Promise<void>
  const removeAdapter = host.removeAdapter as (adapterId: string) => Promise<void>
  // Both are replaced over time (the model on every dispatch): read them on every use.
  const stores = (): Map<unknown, unknown> | undefined => (sync.docNamespacedStores instanceof Map ? sync.docNamespacedStores : undefined)
  const documents = (): Map<unknown, unknown> | undefined =>
    isObject(sync.model) && sync.model.documents instanceof Map ? sync.model.documents : undefined

  return {
    outbound: adapters as unknown as OutboundMethods,
    addAdapter: adapter => Promise.resolve(addAdapter.call(host, adapter)),
    removeAdapter: adapterId => Promise.resolve(removeAdapter.call(host, adapterId)),
    docExists: docId => Boolean(documents()?.has(docId) || stores()?.has(docId)),
    store: (docId, namespace) => {
      const namespaces = stores()?.get(docId)
      const store = namespaces instanceof Map ? namespaces.get(namespace) : undefined
      return isStoreReader(store) ? store : undefined
    },
    appliesSynchronously: () => !(typeof sync.middlewareCount === "number" && sync.middlewareCount > 0),
  }
}
