/**
 * Assembles the hook: the bridge to the panel, the repo registry, discovery
 * and attach. Everything the page can call is wrapped so that no exception
 * from the hook ever reaches it.
 */
import type { HookToPanelMessage, RepoInfo } from "../../protocol/messages"
import { HookBridge, type BridgeLimits } from "../bridge/bridge"
import type { HookTransport } from "../bridge/transport"
import { discoverRepos, resolveRepoPath } from "../discovery"
import { SimulationCommands, type SimulationHost } from "../simulate/hook-commands"
import { serializeRepoValue } from "../sources/loro-extended/loro-values"
import { RepoRegistry } from "./registry"
import type { EphemeraHook, HookStats, RegisterOptions } from "./types"
import { HOOK_VERSION } from "./version"

export interface HookEnvironment {
  transport: HookTransport
  /** The page URL for hook/hello. */
  url: () => string
  /** Where discovery and attach/path look (the window). */
  root: object
  now?: () => number
  limits?: Partial<BridgeLimits>
  /** Calls `listener` when the page is about to go away (see page-leave.ts): simulated peers must leave with it. */
  onPageLeave?: (listener: () => void) => void
  /** Tests replace the simulation engine. */
  createSimulationEngine?: SimulationHost["createEngine"]
}

export interface HookHandle {
  hook: EphemeraHook
  /** Unregisters every repo and stops listening (tests; the page never disposes its hook). */
  dispose(): void
}

const noop = () => {}

/** Test builds only (see build-flags.d.ts): the shipped hook ignores fault injection. */
const TEST_SEAMS = typeof __EPHEMERA_TEST_SEAMS__ === "boolean" && __EPHEMERA_TEST_SEAMS__

/**
 * What a page may emit: data about its own repos, which it could equally
 * write into them. Control messages (hello, heartbeat, pongs, simulated
 * peers, attach answers, drop counts) are the hook's own: a page that could
 * emit them could pose as Ephemera in the panel.
 */
const PAGE_EMITTABLE: ReadonlySet<string> = new Set(["repo/registered", "repo/unregistered", "repo/events", "repo/tap-disabled"])

export function createHook(env: HookEnvironment): HookHandle {
  const now = env.now ?? Date.now
  const bridge: HookBridge = new HookBridge({
    transport: env.transport,
    hookVersion: HOOK_VERSION,
    url: env.url,
    now,
    serializeValue: (value, fullBytes) => serializeRepoValue(value, fullBytes),
    ...(env.limits ? { limits: env.limits } : {}),
    handlers: {
      announceRepos: () => {
        registry.announceAll()
        simulationCommands?.announce()
      },
      snapshotRepos: () => registry.snapshots(),
      attachPath: (requestId, path) => attach(requestId, path),
      scan: () => scan(),
      simulate: message => simulation().handle(message),
      panelGone: () => simulationCommands?.panelGone(),
    },
  })
  const registry = new RepoRegistry(bridge, now, repoId => void simulationCommands?.repoGone(repoId))

  // Created by the first simulate/* request: a page nobody simulates in loads no engine and adds no listener.
  let simulationCommands: SimulationCommands | undefined
  function simulation(): SimulationCommands {
    if (simulationCommands) return simulationCommands
    const commands = new SimulationCommands({
      repoOf: repoId => registry.repoOf(repoId),
      send: message => bridge.send(message),
      reply: message => bridge.reply(message),
      ...(env.createSimulationEngine ? { createEngine: env.createSimulationEngine } : {}),
    })
    env.onPageLeave?.(() => void commands.dispose())
    simulationCommands = commands
    return commands
  }

  function attach(requestId: string, path: string): void {
    const resolved = resolveRepoPath(env.root, path)
    if (!resolved.ok) {
      bridge.reply({ type: "attach/result", requestId, ok: false, error: resolved.error })
      return
    }
    const registered = registry.register(resolved.value, { origin: "expression", label: resolved.label })
    bridge.reply(
      registered.ok
        ? { type: "attach/result", requestId, ok: true, ...(registered.value.repoId === "" ? {} : { repoId: registered.value.repoId }) }
        : { type: "attach/result", requestId, ok: false, error: `${resolved.label}: ${registered.reason}` },
    )
  }

  function scan(): void {
    for (const { path, repo } of discoverRepos(env.root)) {
      if (!registry.knows(repo)) registry.register(repo, { origin: "discovered", label: path })
    }
  }

  const hook: EphemeraHook = {
    version: HOOK_VERSION,
    get listening() {
      return bridge.listening
    },
    register(repo: unknown, options?: RegisterOptions): () => void {
      try {
        const registered = registry.register(repo, {
          origin: "register",
          ...(typeof options?.label === "string" ? { label: options.label } : {}),
          ...(typeof options?.libraryVersion === "string" ? { libraryVersion: options.libraryVersion } : {}),
          ...(TEST_SEAMS && options?.__faultInjection ? { faults: options.__faultInjection } : {}),
        })
        return registered.ok ? guarded(registered.value.unregister) : noop
      } catch {
        return noop
      }
    },
    emit(message: HookToPanelMessage): void {
      try {
        if (typeof message === "object" && message !== null && PAGE_EMITTABLE.has(message.type)) bridge.send(message)
      } catch {
        // Dropped: emit never throws.
      }
    },
    repos(): RepoInfo[] {
      try {
        return registry.infos()
      } catch {
        return []
      }
    },
    stats(): HookStats {
      try {
        return { listening: bridge.listening, queued: bridge.queued, repos: registry.counts() }
      } catch {
        return { listening: false, queued: 0, repos: [] }
      }
    },
    flush(): void {
      try {
        bridge.flush()
      } catch {
        // Whatever failed is retried at the next tick.
      }
    },
  }

  return {
    hook: Object.freeze(hook),
    dispose() {
      registry.disposeAll()
      void simulationCommands?.dispose()
      bridge.dispose()
    },
  }
}

function guarded(action: () => unknown): () => void {
  return () => {
    try {
      action()
    } catch {
      // Unregistering must not throw into the page either.
    }
  }
}
