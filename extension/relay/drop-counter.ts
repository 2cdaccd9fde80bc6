import type { DropReason, PageProtocol, RelayStats } from "../../protocol/messages"

/** Counts what the relay refused or could not deliver, by reason, and which protocol the page's hook speaks if not ours. */
export class DropCounter {
  #dropped = 0
  #lost = 0
  #byReason: Partial<Record<DropReason, number>> = {}
  #pageProtocol: PageProtocol | undefined
  #changed = false

  count(reason: DropReason): void {
    this.#dropped++
    this.#byReason[reason] = (this.#byReason[reason] ?? 0) + 1
    this.#changed = true
  }

  /** Page messages discarded because the buffer overflowed. */
  lose(messages: number): void {
    this.#lost += messages
    this.#byReason["buffer-overflow"] = (this.#byReason["buffer-overflow"] ?? 0) + 1
    this.#changed = true
  }

  /** The page's hook speaks another protocol (the latest word, the announced version kept). */
  hearPageProtocol(spoken: PageProtocol): void {
    const hookVersion =
      spoken.hookVersion ?? (spoken.protocol === this.#pageProtocol?.protocol ? this.#pageProtocol.hookVersion : undefined)
    const next: PageProtocol = { protocol: spoken.protocol, ...(hookVersion === undefined ? {} : { hookVersion }) }
    if (next.protocol === this.#pageProtocol?.protocol && next.hookVersion === this.#pageProtocol.hookVersion) return
    this.#pageProtocol = next
    this.#changed = true
  }

  /** True once after any change. */
  takeChanged(): boolean {
    const changed = this.#changed
    this.#changed = false
    return changed
  }

  snapshot(): RelayStats {
    return {
      dropped: this.#dropped,
      lost: this.#lost,
      byReason: { ...this.#byReason },
      ...(this.#pageProtocol ? { pageProtocol: { ...this.#pageProtocol } } : {}),
    }
  }
}
