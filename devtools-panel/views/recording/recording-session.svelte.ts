/**
 * Everything the Record view does, owned by the panel rather than the view,
 * so recording and replay go on while another tab is shown: the recorder,
 * the opened recording (from a file or the one just stopped), export, and
 * the replay into the live page.
 */
import type { SimulatedVisibility } from "../../../protocol/simulate"
import type { RecordingLimits } from "../../recording/decode"
import { errorText } from "../../recording/errors"
import { fixtureOf, fixtureText } from "../../recording/fixture-export"
import { planReplay } from "../../recording/replay-plan"
import { plannedPeers, type ReplayCandidate, replayCandidates } from "../../recording/replay-peers"
import { formatClock } from "../../values/format"
import type { PanelStore } from "../../ui/panel-store.svelte"
import { download, exportRecording, recordingOf } from "./export-file"
import { Opener } from "./opener.svelte"
import type { Player } from "./player.svelte"
import { RecordControl } from "./record-control.svelte"
import type { RecordedSession } from "../../recording/recorder"
import { Replayer } from "./replayer.svelte"

export interface RecordingSessionOptions {
  /** The extension's version, from its manifest; tests pass none. */
  extensionVersion?: string
  now?: () => number
  limits?: Partial<RecordingLimits>
  /** Saves the exported file; the panel downloads it, tests keep it. */
  save?: (bytes: Uint8Array, fileName: string) => void
}

export interface ReplayChoice {
  /** The recorded repo and room whose peers are replayed. */
  sourceRepoId: string
  sourceDocId: string
  /** The live repo and room they are replayed into. */
  targetRepoId: string
  targetDocId: string
  visibility: SimulatedVisibility
  speed: number
  /** Play again from the same point each time it has played out, until stopped. */
  loop?: boolean
  /** The recorded peers (store keys) to replay; undefined: every one. */
  peers?: ReadonlySet<string>
}

export class RecordingSession {
  readonly control: RecordControl
  readonly opener: Opener
  readonly replayer: Replayer
  player: Player | undefined = $state.raw()
  redact = $state(false)
  exporting = $state(false)
  exportError: string | undefined = $state()
  /** The text of the last exported test fixture (read by end-to-end tests). */
  lastFixture: string | undefined
  /** The bytes of the last export (read by end-to-end tests). */
  lastExport: Uint8Array | undefined
  /** Exports stop at `lastExport` instead of downloading (end-to-end tests: no download folder to fill). */
  keepExportsInMemory = false

  readonly #extensionVersion: string
  readonly #save: (bytes: Uint8Array, fileName: string) => void

  constructor(store: PanelStore, options: RecordingSessionOptions = {}) {
    this.#extensionVersion = options.extensionVersion ?? "development"
    this.#save = options.save ?? ((bytes, fileName) => download({ bytes: bytes as Uint8Array<ArrayBuffer>, fileName }))
    this.opener = new Opener(options.limits)
    this.control = new RecordControl(store, session => void this.#openFinished(session), options.now)
    this.replayer = new Replayer(store)
  }

  /** Stops recording; the recording opens in the timeline (as it does when a reload ends it). */
  stop(): void {
    this.control.stop()
  }

  async openFile(file: File): Promise<void> {
    await this.#show(this.opener.openFile(file, file.name))
  }

  close(): void {
    this.player?.pause()
    this.player = undefined
  }

  async exportCurrent(): Promise<void> {
    const player = this.player
    if (!player || this.exporting) return
    this.exporting = true
    this.exportError = undefined
    try {
      const file = await exportRecording(player.recording, this.redact)
      this.lastExport = file.bytes
      if (!this.keepExportsInMemory) this.#save(file.bytes, file.fileName)
    } catch (error) {
      this.exportError = `Export failed: ${errorText(error)}`
    } finally {
      this.exporting = false
    }
  }

  /**
   * The chosen peers of the recorded room, from the cursor on, as a test
   * fixture file (see protocol/fixture.ts); kept in `lastFixture` too.
   */
  exportFixture(choice: Pick<ReplayChoice, "sourceRepoId" | "sourceDocId" | "peers">): void {
    const player = this.player
    if (!player || !choice.peers || choice.peers.size === 0) return
    const from = player.position >= player.total ? 0 : player.position
    const fixture = fixtureOf({
      index: player.travel.index,
      repoId: choice.sourceRepoId,
      docId: choice.sourceDocId,
      from,
      fromState: player.travel.stateAt(from),
      finalState: player.travel.final,
      peers: choice.peers,
      recordedAt: player.meta.startedAt,
      extensionVersion: player.meta.extensionVersion,
    })
    const text = fixtureText(fixture)
    this.lastFixture = text
    const room = choice.sourceDocId.replace(/[^a-z0-9.-]/gi, "_")
    if (!this.keepExportsInMemory) this.#save(new TextEncoder().encode(text), `${room}.fixture.json`)
  }

  /** Every recorded peer of a room the replay can bring back, with who replays by default. */
  replayCandidates(sourceRepoId: string, sourceDocId: string): ReplayCandidate[] {
    const player = this.player
    if (!player) return []
    const everyone = planReplay(
      player.travel.index,
      { repoId: sourceRepoId, docId: sourceDocId, from: 0, fromState: player.travel.stateAt(0) },
      { docId: sourceDocId, visibility: "local", speed: 1 },
    )
    return replayCandidates(player.travel.final, sourceRepoId, sourceDocId, plannedPeers(everyone))
  }

  /** Replays from the cursor (from the start when the cursor is at the end). */
  startReplay(choice: ReplayChoice): void {
    const player = this.player
    if (!player) return
    const from = player.position >= player.total ? 0 : player.position
    const actions = planReplay(
      player.travel.index,
      { repoId: choice.sourceRepoId, docId: choice.sourceDocId, from, fromState: player.travel.stateAt(from) },
      { docId: choice.targetDocId, visibility: choice.visibility, speed: choice.speed, ...(choice.peers ? { peers: choice.peers } : {}) },
    )
    this.replayer.start(
      actions,
      { repoId: choice.targetRepoId, docId: choice.targetDocId, visibility: choice.visibility },
      { loop: choice.loop === true },
    )
  }

  dispose(): void {
    this.control.dispose()
    this.replayer.stop()
    this.player?.pause()
  }

  async #openFinished(session: RecordedSession): Promise<void> {
    await this.#show(
      this.opener.openRecording(recordingOf(session, this.#extensionVersion), `Recording of ${formatClock(session.startedAt)}`),
    )
  }

  async #show(opening: Promise<Player | undefined>): Promise<void> {
    const player = await opening
    if (!player) return
    this.player?.pause()
    this.player = player
  }
}
