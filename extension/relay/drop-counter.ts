import type { DropReason, RelayStats } from "../../protocol/messages"

/** Counts what the relay refused or could not deliver, by reason. */
export class DropCounter {
  #dropped = 0
  #lost = 0
  #byReason: Partial<Record<DropReason, number>> = {}
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

  /** True once after any change. */
  takeChanged(): boolean {
    const changed = this.#changed
    this.#changed = false
    return changed
  }

  snapshot(): RelayStats {
    return { dropped: this.#dropped, lost: this.#lost, byReason: { ...this.#byReason } }
  }
}
