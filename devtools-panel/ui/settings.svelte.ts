/**
 * The user's panel settings: theme, how times read, the log's default
 * buffer, and which optional columns show. Kept in extension storage
 * (`storage.local`) by main.ts; tests hand in an in-memory storage. What is
 * read back is checked field by field: a bad or older value falls back to
 * its default and costs nothing else.
 */
import { MAX_LOG_CAPACITY, MIN_LOG_CAPACITY } from "../state/event-log"
import { DEFAULT_LOG_CAPACITY } from "../state/panel-state"

export type ThemeChoice = "devtools" | "light" | "dark"
export type TimeFormat = "relative" | "clock"

/** Optional columns; the key, the value, a member's name and status always show. */
export const OPTIONAL_COLUMNS = {
  "map-time": "Maps: time",
  "map-writer": "Maps: written by",
  "member-id": "Members: peer id",
  "member-type": "Members: type",
  "member-connection": "Members: connection",
  "member-first-seen": "Members: first seen",
  "member-last-update": "Members: last update",
  "member-rate": "Members: rate",
} as const
export type ColumnId = keyof typeof OPTIONAL_COLUMNS

export interface SettingsData {
  theme: ThemeChoice
  timeFormat: TimeFormat
  logBuffer: number
  hiddenColumns: ColumnId[]
}

export const DEFAULT_SETTINGS: SettingsData = {
  theme: "devtools",
  timeFormat: "relative",
  logBuffer: DEFAULT_LOG_CAPACITY,
  hiddenColumns: [],
}

export interface SettingsStorage {
  load(): Promise<unknown>
  save(data: SettingsData): Promise<void>
}

/** Settings kept in memory only (tests, and pages without extension storage). */
export function memoryStorage(initial?: unknown): SettingsStorage & { saved: unknown } {
  const storage = {
    saved: initial,
    load: async () => storage.saved,
    save: async (data: SettingsData) => {
      storage.saved = structuredClone(data)
    },
  }
  return storage
}

function isColumn(value: unknown): value is ColumnId {
  return typeof value === "string" && Object.hasOwn(OPTIONAL_COLUMNS, value)
}

/** Stored data as settings: each field checked on its own, defaults for what is missing or wrong. */
export function settingsFrom(stored: unknown): SettingsData {
  const data = typeof stored === "object" && stored !== null ? (stored as Record<string, unknown>) : {}
  const buffer = data.logBuffer
  return {
    theme: data.theme === "light" || data.theme === "dark" ? data.theme : "devtools",
    timeFormat: data.timeFormat === "clock" ? "clock" : "relative",
    logBuffer:
      typeof buffer === "number" && Number.isInteger(buffer) && buffer >= MIN_LOG_CAPACITY && buffer <= MAX_LOG_CAPACITY
        ? buffer
        : DEFAULT_LOG_CAPACITY,
    hiddenColumns: Array.isArray(data.hiddenColumns) ? [...new Set(data.hiddenColumns.filter(isColumn))] : [],
  }
}

export class PanelSettings {
  theme: ThemeChoice = $state(DEFAULT_SETTINGS.theme)
  timeFormat: TimeFormat = $state(DEFAULT_SETTINGS.timeFormat)
  logBuffer: number = $state(DEFAULT_SETTINGS.logBuffer)
  hiddenColumns: ColumnId[] = $state([])
  /** Why the last save failed, for the settings menu to show. */
  saveError: string | undefined = $state()
  /** Settles once stored settings are read (or found unreadable). */
  readonly loaded: Promise<void>
  readonly #storage: SettingsStorage
  readonly #listeners = new Set<(data: SettingsData) => void>()

  constructor(storage: SettingsStorage = memoryStorage()) {
    this.#storage = storage
    this.loaded = storage.load().then(
      stored => this.#set(settingsFrom(stored)),
      () => this.#set(DEFAULT_SETTINGS),
    )
  }

  get data(): SettingsData {
    return { theme: this.theme, timeFormat: this.timeFormat, logBuffer: this.logBuffer, hiddenColumns: [...this.hiddenColumns] }
  }

  shows(column: ColumnId): boolean {
    return !this.hiddenColumns.includes(column)
  }

  /** Applies a change, tells the listeners and saves it. */
  async update(patch: Partial<SettingsData>): Promise<void> {
    this.#set(settingsFrom({ ...this.data, ...patch }))
    try {
      await this.#storage.save(this.data)
      this.saveError = undefined
    } catch (error) {
      this.saveError = `Settings apply now but were not saved: ${error instanceof Error ? error.message : String(error)}`
    }
  }

  setColumn(column: ColumnId, shown: boolean): Promise<void> {
    const hidden = this.hiddenColumns.filter(id => id !== column)
    return this.update({ hiddenColumns: shown ? hidden : [...hidden, column] })
  }

  /** Called now and after every change; returns the function that stops it. */
  follow(listener: (data: SettingsData) => void): () => void {
    this.#listeners.add(listener)
    listener(this.data)
    return () => this.#listeners.delete(listener)
  }

  #set(data: SettingsData): void {
    this.theme = data.theme
    this.timeFormat = data.timeFormat
    this.logBuffer = data.logBuffer
    this.hiddenColumns = data.hiddenColumns
    for (const listener of this.#listeners) listener(this.data)
  }
}
