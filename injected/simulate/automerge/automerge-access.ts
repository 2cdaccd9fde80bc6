/**
 * The few parts of a live automerge-repo Repo (2.x) the simulation uses,
 * found by feature detection (the hook never bundles the library).
 */
import { SimulationError } from "../errors"

export interface AutomergeAccess {
  /** `repo.networkSubsystem`: its `send` is where local-only peers' messages are held back. */
  readonly network: { send: (message: unknown) => unknown }
  /** The repo's network adapters now (`networkSubsystem.adapters`). */
  adapters(): readonly unknown[]
  addAdapter(adapter: object): void
  removeAdapter(adapter: object): void
  /** A room is a document the repo has a handle for. */
  docExists(docId: string): boolean
  /** The repo's handle of a document (`repo.handles[docId]`), where Presence listens. */
  handle(docId: string): unknown
  /** The repo's own peer id: where simulated messages are addressed. */
  peerId(): string
}

type Fields = Record<string, unknown>

const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null

function unsupported(detail: string): never {
  throw new SimulationError("unsupported-repo", `This repo cannot host simulated peers: ${detail}.`)
}

export function accessAutomergeRepo(repo: unknown): AutomergeAccess {
  if (!isObject(repo)) unsupported("it is not an object")
  const network = repo.networkSubsystem
  if (!isObject(network)) unsupported("it has no `networkSubsystem` (expected an automerge-repo Repo)")
  for (const method of ["send", "addNetworkAdapter", "removeNetworkAdapter"]) {
    if (typeof network[method] !== "function") unsupported(`\`networkSubsystem.${method}\` is not a function`)
  }
  if (!isObject(repo.handles)) unsupported("`repo.handles` is not an object")
  const call = (method: string, adapter: object) => (network[method] as (adapter: object) => void).call(network, adapter)
  return {
    network: network as AutomergeAccess["network"],
    adapters: () => (Array.isArray(network.adapters) ? network.adapters : []),
    addAdapter: adapter => call("addNetworkAdapter", adapter),
    removeAdapter: adapter => call("removeNetworkAdapter", adapter),
    docExists: docId => isObject(repo.handles) && docId in repo.handles,
    handle: docId => (isObject(repo.handles) ? repo.handles[docId] : undefined),
    peerId: () => String(repo.peerId),
  }
}

/** Whether `repo` looks like an automerge-repo Repo (the simulation to use for it). */
export function isAutomergeRepo(repo: unknown): boolean {
  return isObject(repo) && isObject(repo.networkSubsystem)
}
