/**
 * Recording in the live panel: start, mark, stop, and the settings that
 * outlive the panel (start when the panel opens, follow reloads). The
 * recorder observes the store, so it sees every message exactly as the
 * reducer applies it, whichever view is on screen.
 */
import type { PanelStore } from "../../ui/panel-store.svelte"
import { Recorder, type RecordedSession, type RecorderStats } from "../../recording/recorder"

const SETTINGS_KEY = "ephemera.recording.settings"

export interface RecordSettings {
  /** Start recording as soon as the panel opens. */
  autoStart: boolean
  acrossReloads: boolean
}

/** localStorage where it exists (extension pages), else nothing is remembered (tests). */
function loadSettings(): RecordSettings {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(SETTINGS_KEY) ?? "{}")
    return { autoStart: saved.autoStart === true, acrossReloads: saved.acrossReloads === true }
  } catch {
    return { autoStart: false, acrossReloads: false }
  }
}

export class RecordControl {
  recording = $state(false)
  stats: RecorderStats | undefined = $state.raw()
  /** The last finished recording, until the next one starts. */
  finished: RecordedSession | undefined = $state.raw()
  /** Labels of the repos to record; empty means every repo, including ones that register later. */
  labels: string[] = $state([])
  settings: RecordSettings = $state(loadSettings())

  readonly #store: PanelStore
  readonly #now: () => number
  readonly #onFinish: (session: RecordedSession) => void
  #recorder: Recorder | undefined
  #stopObserving: (() => void) | undefined

  /** `onFinish` gets every finished recording, whether stopped by the user or by a reload. */
  constructor(store: PanelStore, onFinish: (session: RecordedSession) => void, now: () => number = Date.now) {
    this.#store = store
    this.#onFinish = onFinish
    this.#now = now
    if (this.settings.autoStart) this.start()
  }

  saveSettings(): void {
    try {
      globalThis.localStorage?.setItem(SETTINGS_KEY, JSON.stringify(this.settings))
    } catch {
      // Storage refused (private mode, quota): the setting holds for this panel only.
    }
  }

  start(): void {
    if (this.#recorder) return
    this.#store.flush()
    const recorder = new Recorder(this.#store.state, this.#now(), { labels: this.labels, acrossReloads: this.settings.acrossReloads })
    this.#recorder = recorder
    this.recording = true
    this.stats = recorder.stats
    this.#stopObserving = this.#store.observe((message, now, before, after) => {
      if (recorder.observe(message, now, before, after)) this.stats = recorder.stats
      // Ended by a reload it must not follow: finished once the store is done applying.
      else queueMicrotask(() => this.#finish())
    })
  }

  /** Marks this moment; the timeline shows it and can seek to it. */
  mark(label?: string): void {
    if (!this.#recorder) return
    this.#store.flush()
    this.#recorder.mark(label ?? `Mark ${this.#recorder.stats.marks + 1}`, this.#now())
    this.stats = this.#recorder.stats
  }

  stop(): RecordedSession | undefined {
    if (!this.#recorder) return undefined
    // Everything received until now belongs to the recording.
    this.#store.flush()
    return this.#finish()
  }

  dispose(): void {
    this.#stopObserving?.()
  }

  #finish(): RecordedSession | undefined {
    const recorder = this.#recorder
    if (!recorder) return undefined
    this.#stopObserving?.()
    this.#stopObserving = undefined
    this.#recorder = undefined
    this.recording = false
    this.finished = recorder.finish(this.#now())
    this.#onFinish(this.finished)
    return this.finished
  }
}
