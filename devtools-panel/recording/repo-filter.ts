/**
 * Which repos a recording holds. Repos are chosen by label, because a reload
 * gives the same repo a new id: a recording that follows the page across
 * reloads keeps recording "alice" whatever id she gets. Messages about other
 * repos are left out; everything else the page says is kept, except its
 * answers to another panel's snapshot requests (a room across tabs): the
 * recorded state never follows them, and they carry every store whole.
 */
import { skipUnknown, type BackgroundToPanelMessage, type HookToPanelMessage } from "../../protocol/messages"

export class RepoFilter {
  /** undefined: every repo. */
  readonly labels: ReadonlySet<string> | undefined
  readonly #repoIds = new Set<string>()

  constructor(labels: readonly string[] | undefined) {
    this.labels = labels && labels.length > 0 ? new Set(labels) : undefined
  }

  get all(): boolean {
    return this.labels === undefined
  }

  includesLabel(label: string): boolean {
    return this.labels === undefined || this.labels.has(label)
  }

  /** Remembers a repo (from a checkpoint or a registration) whose messages are kept. */
  admit(repoId: string, label: string): boolean {
    if (!this.includesLabel(label)) return false
    this.#repoIds.add(repoId)
    return true
  }

  /** The message with other repos' parts left out (the same object when nothing was). */
  filter(message: BackgroundToPanelMessage): BackgroundToPanelMessage {
    if (message.type !== "background/page-batch") return message
    const messages = message.batch.messages
    const kept = messages.filter(inner => inner.type !== "hook/snapshot" && (this.labels === undefined || this.#keeps(inner)))
    if (kept.length === messages.length) return message
    // An emptied batch still carries its seq, and the relay's count of batches it skipped:
    // without them the panel would count the gap as lost batches.
    return { ...message, batch: { seq: message.batch.seq, messages: kept } }
  }

  #keeps(message: HookToPanelMessage): boolean {
    switch (message.type) {
      case "repo/registered":
        return this.admit(message.repo.repoId, message.repo.label)
      case "repo/unregistered":
      case "repo/events":
      case "repo/tap-disabled":
      case "simulate/state":
      case "simulate/network-state":
        return this.#repoIds.has(message.repoId)
      case "hook/hello":
      case "repo/event-tape":
      case "hook/dropped":
      case "hook/heartbeat":
      case "hook/pong":
      case "attach/result":
      case "simulate/error":
      case "hook/snapshot":
        // The page's, not one repo's (a simulate/error's repo is in its request, not here).
        return true
      default:
        skipUnknown(message)
        return true
    }
  }
}
