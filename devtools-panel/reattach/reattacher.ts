/**
 * Brings remembered repos back when a page (re)loads: each time the panel
 * meets a new hook instance, it attaches the expressions remembered for the
 * page's origin and, if discovery found repos there before, asks for scans
 * until as many are found. An app creates its repo some time after the hook
 * says hello (after a fetch, on first render), so attempts repeat with
 * growing gaps until everything is back or the last gap has passed.
 *
 * It also does the remembering: expressions the user attached successfully,
 * and the most repos discovery found on an origin.
 */
import type { PanelToHookMessage } from "../../protocol/messages"
import type { PanelState } from "../state/panel-state"
import type { MessageObserver } from "../ui/panel-store.svelte"
import { dottedPathOf, registerCode, type InspectedEval } from "../ui/attach-code"
import { originOf, withExpression, type RememberedRepos } from "./remembered-repos"

/** Gaps between attempts after a page's hello: about 13 s in all. */
export const REATTACH_DELAYS_MS: readonly number[] = [100, 200, 400, 800, 1600, 3200, 6400]

export interface ReattachTimers {
  set(run: () => void, ms: number): unknown
  clear(handle: unknown): void
}

export interface ReattacherOptions {
  store: { readonly state: PanelState; observe(observer: MessageObserver): () => void; toPage(message: PanelToHookMessage): void }
  remembered: RememberedRepos
  /** Inside DevTools: expressions are evaluated in the page, as the user's were. */
  evalInPage?: InspectedEval | undefined
  timers?: ReattachTimers
  delaysMs?: readonly number[]
}

interface Round {
  readonly instance: string
  readonly origin: string
  /** Expressions not attached yet. */
  readonly expressions: Set<string>
  /** attach/path requests of the last attempt, by request id. */
  readonly requests: Map<string, string>
  wantDiscovered: number
  attempt: number
  timer?: unknown
}

const realTimers: ReattachTimers = { set: (run, ms) => setTimeout(run, ms), clear: handle => clearTimeout(handle as number) }

let requestCounter = 0

export class Reattacher {
  readonly #options: ReattacherOptions
  readonly #timers: ReattachTimers
  readonly #delays: readonly number[]
  readonly #stopObserving: () => void
  /** The user's own attach/path requests, remembered once the hook says they worked. */
  readonly #userRequests = new Map<string, string>()
  #round: Round | undefined
  #discoveredSaved = 0

  constructor(options: ReattacherOptions) {
    this.#options = options
    this.#timers = options.timers ?? realTimers
    this.#delays = options.delaysMs ?? REATTACH_DELAYS_MS
    this.#stopObserving = options.store.observe((_message, _now, before, after) => this.#observe(before, after))
  }

  /** The user's expression was evaluated in the page and attached a repo. */
  attachedByEval(expression: string): void {
    const origin = this.#origin()
    if (origin) void this.#options.remembered.update(origin, remembered => withExpression(remembered, expression))
  }

  /** The user asked the hook to attach `expression` as request `requestId`. */
  requestedPath(requestId: string, expression: string): void {
    this.#userRequests.set(requestId, expression)
  }

  dispose(): void {
    this.#stopObserving()
    this.#cancelRound()
  }

  #origin(): string | undefined {
    return originOf(this.#options.store.state.hook?.url)
  }

  #observe(before: PanelState, after: PanelState): void {
    if (after.hook && after.hook.instance !== before.hook?.instance) this.#startRound(after.hook.instance, after.hook.url)
    if (after.attachResults !== before.attachResults) this.#rememberUserRequests(after)
    if (after.repos !== before.repos) this.#rememberDiscovered(after)
  }

  #rememberUserRequests(state: PanelState): void {
    for (const [requestId, expression] of this.#userRequests) {
      const result = state.attachResults.get(requestId)
      if (!result) continue
      this.#userRequests.delete(requestId)
      const origin = originOf(state.hook?.url)
      if (result.ok && origin) void this.#options.remembered.update(origin, remembered => withExpression(remembered, expression))
    }
  }

  #rememberDiscovered(state: PanelState): void {
    const origin = originOf(state.hook?.url)
    const count = discoveredCount(state)
    if (!origin || count <= this.#discoveredSaved) return
    this.#discoveredSaved = count
    void this.#options.remembered.update(origin, remembered =>
      count > remembered.discovered ? { ...remembered, discovered: count } : remembered,
    )
  }

  async #startRound(instance: string, url: string): Promise<void> {
    this.#cancelRound()
    this.#discoveredSaved = 0
    const origin = originOf(url)
    if (!origin) return
    const round: Round = { instance, origin, expressions: new Set(), requests: new Map(), wantDiscovered: 0, attempt: 0 }
    this.#round = round
    const remembered = await this.#options.remembered.load(origin)
    if (this.#round !== round) return
    for (const expression of remembered.expressions) round.expressions.add(expression)
    round.wantDiscovered = remembered.discovered
    this.#attempt(round)
  }

  #cancelRound(): void {
    if (this.#round?.timer !== undefined) this.#timers.clear(this.#round.timer)
    this.#round = undefined
  }

  #attempt(round: Round): void {
    round.timer = undefined
    const state = this.#options.store.state
    for (const [requestId, expression] of round.requests) {
      if (state.attachResults.get(requestId)?.ok) round.expressions.delete(expression)
    }
    round.requests.clear()
    if (discoveredCount(state) >= round.wantDiscovered) round.wantDiscovered = 0
    if ((round.expressions.size === 0 && round.wantDiscovered === 0) || round.attempt >= this.#delays.length) {
      if (this.#round === round) this.#round = undefined
      return
    }
    for (const expression of round.expressions) this.#attach(round, expression)
    if (round.wantDiscovered > 0) this.#options.store.toPage({ type: "discovery/scan" })
    round.timer = this.#timers.set(() => this.#attempt(round), this.#delays[round.attempt++]!)
  }

  #attach(round: Round, expression: string): void {
    const evalInPage = this.#options.evalInPage
    if (evalInPage) {
      void evalInPage(registerCode(expression)).then(
        ({ value }) => void (value === true && round.expressions.delete(expression)),
        () => {},
      )
      return
    }
    const path = dottedPathOf(expression)
    if (path === undefined) {
      // Remembered inside DevTools; a plain extension page cannot evaluate it.
      round.expressions.delete(expression)
      return
    }
    const requestId = `reattach-${++requestCounter}`
    round.requests.set(requestId, expression)
    this.#options.store.toPage({ type: "attach/path", requestId, path })
  }
}

/** Repos discovery found on the page now showing. */
function discoveredCount(state: PanelState): number {
  let count = 0
  for (const repo of state.repos.values()) {
    if (!repo.gone && repo.epoch === state.epoch && repo.info.origin === "discovered") count++
  }
  return count
}
