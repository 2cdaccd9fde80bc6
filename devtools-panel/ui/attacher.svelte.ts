/**
 * "Attach by expression". Inside DevTools the expression is evaluated in the
 * inspected page (any JavaScript expression works and the answer is
 * immediate). As a plain extension page there is no eval: the hook resolves
 * a dotted path from window and answers with attach/result.
 */
import { dottedPathOf, registerCode, type InspectedEval } from "./attach-code"
import type { PanelStore } from "./panel-store.svelte"

export type { InspectedEval } from "./attach-code"

let requestCounter = 0

/**
 * What remembers a successful attach so it can be made again after a reload
 * (reattach/reattacher.ts). Declared here, not imported, so the attach box
 * does not depend on the folder that builds on it.
 */
export interface AttachMemory {
  attachedByEval(expression: string): void
  requestedPath(requestId: string, expression: string): void
}

export class Attacher {
  /** The attach/path request whose answer the box shows, and its path. */
  requestId: string | undefined = $state()
  requestPath: string | undefined = $state()
  localError: string | undefined = $state()
  evaluating = $state(false)

  readonly #store: PanelStore
  readonly #evalInPage: InspectedEval | undefined
  readonly #reattacher: AttachMemory | undefined

  /** `reattacher` remembers what attached, to attach it again after a reload. */
  constructor(store: PanelStore, evalInPage?: InspectedEval, reattacher?: AttachMemory) {
    this.#store = store
    this.#evalInPage = evalInPage
    this.#reattacher = reattacher
  }

  get error(): string | undefined {
    if (this.localError !== undefined) return this.localError
    const result = this.requestId === undefined ? undefined : this.#store.state.attachResults.get(this.requestId)
    if (result && !result.ok) return result.error || `The page could not attach ${this.requestPath}.`
    return undefined
  }

  get pending(): boolean {
    return this.evaluating || (this.requestId !== undefined && !this.#store.state.attachResults.has(this.requestId))
  }

  async attach(input: string): Promise<void> {
    const expression = input.trim()
    this.localError = undefined
    this.requestId = undefined
    if (expression === "") {
      this.localError = "Type an expression that evaluates to a Repo, e.g. window.app.repo"
      return
    }
    if (this.#evalInPage) {
      this.evaluating = true
      try {
        const { value, error } = await this.#evalInPage(registerCode(expression))
        if (error !== undefined) this.localError = error
        else if (value !== true) this.localError = `No Ephemera hook in this page, or it did not take ${expression} as a Repo.`
        else this.#reattacher?.attachedByEval(expression)
      } finally {
        this.evaluating = false
      }
      return
    }
    const path = dottedPathOf(expression)
    if (path === undefined) {
      this.localError = `Outside DevTools only a dotted path from window works (e.g. app.repo), not: ${expression}`
      return
    }
    const requestId = `attach-${++requestCounter}-${Date.now().toString(36)}`
    this.requestId = requestId
    this.requestPath = path
    this.#reattacher?.requestedPath(requestId, expression)
    this.#store.toPage({ type: "attach/path", requestId, path })
  }
}
