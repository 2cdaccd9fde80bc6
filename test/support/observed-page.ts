/**
 * A page with the real hook on some repos, and a panel reading it: the
 * hook's batches go through the panel transport's own wire decoding into a
 * real PanelStore (the reducer), whose observer feeds the detectors, exactly
 * as in the extension. One ObservedPage is one browser tab with its panel.
 */
import type { Repo } from "@loro-extended/repo"
import type { PanelToHookMessage } from "../../protocol/messages"
import { memoryTransport, type MemoryTransport as HookWindow } from "../../injected/bridge/memory-transport"
import { createHook } from "../../injected/hook/create-hook"
import type { EphemeraHook } from "../../injected/hook/types"
import type { Finding, FindingKind } from "../../devtools-panel/diagnostics/finding"
import { MemoryTransport } from "../../devtools-panel/transport/memory-transport"
import { fromWire, StreamIntakes } from "../../devtools-panel/transport/transport"
import { Diagnostics } from "../../devtools-panel/ui/diagnostics.svelte"
import { PanelStore } from "../../devtools-panel/ui/panel-store.svelte"
import { textOf } from "../../devtools-panel/diagnostics/text"

export class ObservedPage {
  readonly window: HookWindow = memoryTransport()
  readonly hook: EphemeraHook
  readonly store: PanelStore
  readonly diagnostics: Diagnostics
  readonly #panelSide = new MemoryTransport()
  readonly #dispose: () => void
  #delivered = 0

  constructor(repos: ReadonlyArray<{ repo: Repo | object; label: string }>) {
    const { hook, dispose } = createHook({ transport: this.window, url: () => "http://app.test/", root: {} })
    this.hook = hook
    this.#dispose = dispose
    this.store = new PanelStore(this.#panelSide, { schedule: () => {}, now: () => Date.now() })
    this.diagnostics = new Diagnostics(this.store, { now: () => Date.now() })
    for (const { repo, label } of repos) hook.register(repo, { label })
    this.#relay({ type: "panel/subscribe" })
    this.#panelSide.deliver({ type: "background/page-status", connected: true, url: "http://app.test/" })
  }

  /** Everything the hook has posted reaches the panel and is applied. */
  /** The panel's store replicas for this page: every batch passes through them, in order. */
  readonly #intakes = new StreamIntakes()

  sync(): void {
    this.hook.flush()
    for (const envelope of this.window.posted.slice(this.#delivered)) {
      for (const message of fromWire({ type: "background/page-batch", seq: envelope.seq, batchJson: envelope.batchJson }, this.#intakes))
        this.#panelSide.deliver(message)
    }
    this.#delivered = this.window.posted.length
    this.store.flush()
    this.diagnostics.refresh()
  }

  /** sync(), then the panel's clock ticks (silence is noticed on ticks). */
  tick(): void {
    this.sync()
    this.diagnostics.tick(Date.now())
  }

  findings(kind?: FindingKind): Finding[] {
    this.sync()
    return this.diagnostics.findings.filter(finding => kind === undefined || finding.kind === kind)
  }

  /** The findings as plain text, one line each: what a user reads. */
  text(kind?: FindingKind): string[] {
    return this.findings(kind).map(finding => textOf(finding.summary))
  }

  repoId(label: string): string {
    const info = this.hook.repos().find(repo => repo.label === label)
    if (!info) throw new Error(`no repo labelled ${label}`)
    return info.repoId
  }

  dispose(): void {
    this.diagnostics.dispose()
    this.store.dispose()
    this.#dispose()
  }

  /** A message from the panel to the page's hook (simulate/*, attach…). */
  toHook(message: PanelToHookMessage): void {
    this.#relay(message)
  }

  /** What the relay sends over the private channel, as it is. */
  #relay(message: PanelToHookMessage): void {
    this.window.deliver(message)
  }
}
