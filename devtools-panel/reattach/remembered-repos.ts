/**
 * What the panel remembers per page origin so that a reload brings the same
 * repos back without the user: the expressions they attached, and how many
 * repos discovery found there. Kept in extension storage, never in the page.
 */

export interface Remembered {
  /** Attach expressions that worked, most recent first. */
  readonly expressions: readonly string[]
  /** How many repos discovery found on this origin at most: a reload scans until it finds as many. */
  readonly discovered: number
}

/** The slice of `storage.local` this needs (the extension's, or a Map in tests). */
export interface KeyValueArea {
  get(key: string): Promise<Record<string, unknown>>
  set(items: Record<string, unknown>): Promise<void>
}

/** Expressions kept per origin: enough for any app, too few to grow without bound. */
export const MAX_EXPRESSIONS = 10
/** An expression longer than this is a pasted script, not a path to a repo. */
const MAX_EXPRESSION_CHARS = 500

export const NOTHING_REMEMBERED: Remembered = { expressions: [], discovered: 0 }

/** "http://127.0.0.1:8787"; undefined for pages with no web origin (about:blank, file: on some browsers). */
export function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    const { origin } = new URL(url)
    return origin === "null" ? undefined : origin
  } catch {
    return undefined
  }
}

const keyOf = (origin: string) => `reattach:${origin}`

/** Whatever is stored is checked: a bad entry reads as nothing remembered. */
export function readRemembered(stored: unknown): Remembered {
  if (typeof stored !== "object" || stored === null) return NOTHING_REMEMBERED
  const { expressions, discovered } = stored as { expressions?: unknown; discovered?: unknown }
  return {
    expressions: Array.isArray(expressions)
      ? expressions
          .filter((e): e is string => typeof e === "string" && e !== "" && e.length <= MAX_EXPRESSION_CHARS)
          .slice(0, MAX_EXPRESSIONS)
      : [],
    discovered: typeof discovered === "number" && Number.isInteger(discovered) && discovered > 0 ? discovered : 0,
  }
}

export function withExpression(remembered: Remembered, expression: string): Remembered {
  const trimmed = expression.trim()
  if (trimmed === "" || trimmed.length > MAX_EXPRESSION_CHARS) return remembered
  const expressions = [trimmed, ...remembered.expressions.filter(e => e !== trimmed)].slice(0, MAX_EXPRESSIONS)
  return { ...remembered, expressions }
}

export class RememberedRepos {
  readonly #area: KeyValueArea
  /** Updates run one after another: two at once would each write over the other's change. */
  #last: Promise<unknown> = Promise.resolve()

  constructor(area: KeyValueArea) {
    this.#area = area
  }

  async load(origin: string): Promise<Remembered> {
    try {
      const items = await this.#area.get(keyOf(origin))
      return readRemembered(items[keyOf(origin)])
    } catch {
      return NOTHING_REMEMBERED
    }
  }

  /** Read, change, write; a storage failure loses only this change. */
  update(origin: string, change: (remembered: Remembered) => Remembered): Promise<Remembered> {
    const next = this.#last.then(() => this.#update(origin, change))
    this.#last = next
    return next
  }

  async #update(origin: string, change: (remembered: Remembered) => Remembered): Promise<Remembered> {
    const before = await this.load(origin)
    const after = change(before)
    if (after === before) return before
    try {
      await this.#area.set({ [keyOf(origin)]: after })
    } catch {
      // Storage full or gone: the repos stay attached now, only a reload will not bring them back.
    }
    return after
  }
}
