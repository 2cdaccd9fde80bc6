/**
 * Which search box "/" focuses: the one the shown view registered (the Log
 * tab's own search on the Log tab), else the status bar's. Views register
 * while mounted; the latest registration wins.
 */
export class SearchFocus {
  readonly #targets: HTMLInputElement[] = []

  /** Returns the unregister. */
  register(input: HTMLInputElement): () => void {
    this.#targets.push(input)
    return () => {
      const at = this.#targets.lastIndexOf(input)
      if (at >= 0) this.#targets.splice(at, 1)
    }
  }

  /** Focuses (and selects the text of) the view's search, or `fallback`. */
  focus(fallback: HTMLInputElement | undefined): void {
    const target = this.#targets.at(-1) ?? fallback
    target?.focus()
    target?.select()
  }

  /** True when `target` is one of the search boxes "/" leads to. */
  isSearch(target: EventTarget | null, fallback: HTMLInputElement | undefined): boolean {
    return target !== null && (target === fallback || this.#targets.includes(target as HTMLInputElement))
  }
}
