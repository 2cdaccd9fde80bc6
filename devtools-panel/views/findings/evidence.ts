/**
 * Following a finding's evidence: a hook event opens in the Log (the filter
 * is reset when it would hide it), a key is selected in the Live view with
 * its value history open (what was offered to it, and what the store did).
 * Event ids restart on every page load, so an event is matched by repo, id
 * and time together.
 */
import type { Evidence } from "../../diagnostics/finding"
import { matches, NO_FILTER } from "../../log/filter"
import { rowId } from "../../log/filtered-index"
import { recordAt } from "../../state/event-log"
import { treePath, type PanelSelection } from "../../ui/selection.svelte"
import type { LogSource } from "../log/log-source"
import { logViewModel } from "../log/log-view.svelte"

type EventEvidence = Extract<Evidence, { kind: "event" }>
type KeyEvidence = Extract<Evidence, { kind: "key" }>

/** Puts the Log's cursor on the event; false when the log no longer holds it. */
export function revealEvent(store: LogSource, evidence: EventEvidence): boolean {
  const log = store.state.log
  for (let seq = log.end - 1; seq >= log.start; seq--) {
    const record = recordAt(log, seq)
    if (!record || record.event.repoId !== evidence.repoId || record.event.id !== evidence.eventId || record.event.t !== evidence.t)
      continue
    const model = logViewModel(store)
    if (!matches(record, model.filter)) model.setFilter(NO_FILTER)
    model.reveal(rowId(seq))
    model.detailOpen = true
    return true
  }
  return false
}

/** Selects the key's repo and room, highlights the key and opens its value history. False when the repo is gone. */
export function revealKey(store: LogSource, selection: PanelSelection, evidence: KeyEvidence): boolean {
  const repo = store.state.repos.get(evidence.repoId)
  if (!repo) return false
  selection.selectRepo(repo)
  selection.selectRoom(evidence.docId)
  selection.peerId = evidence.key
  selection.entry = treePath(evidence.namespace, evidence.key)
  selection.history = { repoId: evidence.repoId, docId: evidence.docId, namespace: evidence.namespace, key: evidence.key }
  return true
}
