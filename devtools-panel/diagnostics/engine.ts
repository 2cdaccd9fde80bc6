/**
 * Runs the detectors over the diagnostic event stream: each event goes to
 * every detector with the facts as they were before it, then updates the
 * facts. Findings collect in the book. Pure TypeScript, no clock of its own:
 * time comes from the events and from `tick`.
 */
import type { SourceLibrary } from "../../protocol/messages"
import { DEFAULT_CONFIG, type DiagnosticsConfig } from "./config"
import type { Detector, DetectorContext } from "./detector"
import { Amplification } from "./detectors/amplification"
import { ClockSkew } from "./detectors/clock-skew"
import { DuplicateGossip } from "./detectors/duplicate-gossip"
import { NoLivePath } from "./detectors/no-live-path"
import { OwnKeyOverwritten } from "./detectors/own-key-overwritten"
import { PrunedPeer } from "./detectors/pruned-peer"
import { SameMillisecondWrites } from "./detectors/same-millisecond"
import type { Finding, FindingDraft } from "./finding"
import { FindingsBook } from "./findings-book"
import type { DiagnosticEvent } from "./input"
import { World } from "./world"

export type RaiseListener = (finding: Finding, isNew: boolean) => void

export class DiagnosticsEngine {
  readonly book = new FindingsBook()
  readonly world = new World()
  readonly liveness: NoLivePath
  readonly amplification: Amplification
  readonly detectors: readonly Detector[]
  #config: DiagnosticsConfig
  #onRaise: RaiseListener | undefined
  readonly #context: DetectorContext

  constructor(config: Partial<DiagnosticsConfig> = {}) {
    this.#config = { ...DEFAULT_CONFIG, ...config }
    this.liveness = new NoLivePath()
    this.amplification = new Amplification()
    this.detectors = [
      new SameMillisecondWrites(),
      new OwnKeyOverwritten(),
      this.liveness,
      this.amplification,
      new ClockSkew(),
      // automerge-repo's Presence and gossip.
      new DuplicateGossip(),
      new PrunedPeer(),
    ]
    const engine = this
    this.#context = {
      world: this.world,
      get config() {
        return engine.#config
      },
      raise: (draft: FindingDraft) => {
        const isNew = !this.book.has(draft.id)
        const finding = this.book.raise(draft)
        this.#onRaise?.(finding, isNew)
      },
      end: (id, t) => this.book.end(id, t),
      isOpen: id => {
        const finding = this.book.get(id)
        return finding !== undefined && finding.endedAt === undefined
      },
    }
  }

  get config(): DiagnosticsConfig {
    return this.#config
  }

  /** New thresholds apply from the next event on; findings already raised stay. */
  configure(patch: Partial<DiagnosticsConfig>): void {
    this.#config = { ...this.#config, ...patch }
  }

  /** Called for every finding raised (new or repeated), e.g. to mark a recording's timeline. */
  onRaise(listener: RaiseListener | undefined): void {
    this.#onRaise = listener
  }

  ingest(events: readonly DiagnosticEvent[]): void {
    for (const event of events) {
      const library = this.#libraryOf(event)
      for (const detector of this.detectors) {
        if (library === undefined || detector.libraries === undefined || detector.libraries.includes(library)) {
          detector.observe(event, this.#context)
        }
      }
      this.world.apply(event)
    }
  }

  /** The library of the repo an event is about; undefined for ticks (every detector sees them). */
  #libraryOf(event: DiagnosticEvent): SourceLibrary | undefined {
    if (event.type === "tick") return undefined
    const identity = event.type === "repo" ? event.repo : this.world.repo(event.repoId)?.identity
    return identity?.library ?? "loro-extended"
  }

  /** Time passed with nothing observed. */
  tick(t: number): void {
    this.ingest([{ type: "tick", t }])
  }
}
