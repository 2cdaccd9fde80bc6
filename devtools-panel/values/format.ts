/**
 * Text formats shared by the views, the log's summaries and the findings, in
 * one place; DevTools-like and compact. Every number and date the panel shows
 * goes through here, in one locale: the panel's words are English, so its
 * numbers read "12,345.6" and its dates "2026-12-06" in every view, whatever
 * the browser's locale (a mix of the two read as different quantities).
 */
import { headAsHex } from "./heads"
import type { WireValue } from "../../protocol/messages"

const LOCALE = "en-US"
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 })
const decimals = new Map<number, Intl.NumberFormat>()

/** 1,000,000 */
export function formatCount(value: number): string {
  return integer.format(value)
}

/** A number with exactly `digits` decimals: "1,234.5" for (1234.46, 1). */
export function formatDecimal(value: number, digits: number): string {
  let format = decimals.get(digits)
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits })
    decimals.set(digits, format)
  }
  return format.format(value)
}

/** A duration in seconds with `digits` decimals: "12.5 s" for (12_480, 1). */
export function formatSeconds(ms: number, digits = 1): string {
  return `${formatDecimal(ms / 1000, digits)} s`
}

/** A local calendar date, "2026-12-06", the same in every locale. */
export function formatDate(ms: number): string {
  const date = new Date(ms)
  if (Number.isNaN(date.getTime())) return "—"
  const pad = (value: number) => String(value).padStart(2, "0")
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/**
 * A time this far ahead of the panel's clock still reads as "now": the page
 * and the panel share the machine's clock, but the panel's shared clock
 * ticks every 200 ms, so a fresh timestamp can be a tick ahead of it.
 */
const AHEAD_TOLERANCE_MS = 1_000

/**
 * "0.4 s ago", "12 s ago", "3 min ago", "2 h ago"; a time in the future
 * (a writer whose clock runs ahead) reads "12 s ahead" rather than "now".
 */
export function formatAge(ms: number): string {
  return isAhead(ms) ? `${formatSpan(-ms)} ahead` : `${formatSpan(Math.max(0, ms))} ago`
}

/** True when an age (now minus a timestamp) puts the timestamp clearly in the future. */
export function isAhead(ms: number): boolean {
  return ms < -AHEAD_TOLERANCE_MS
}

function formatSpan(ms: number): string {
  const seconds = ms / 1000
  if (seconds < 10) return `${formatDecimal(seconds, 1)} s`
  if (seconds < 60) return `${Math.floor(seconds)} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`
  return `${Math.floor(seconds / 86_400)} d`
}

/** Local wall-clock time with milliseconds, as DevTools' console shows it. */
export function formatClock(ms: number): string {
  const date = new Date(ms)
  if (Number.isNaN(date.getTime())) return "—"
  const pad = (value: number, width = 2) => String(value).padStart(width, "0")
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}

/** "0/s", "0.4/s", "12/s". */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return "0/s"
  return perSecond < 10 ? `${formatDecimal(perSecond, 1)}/s` : `${formatCount(perSecond)}/s`
}

/** Peer ids are long numbers; the tail is what tells them apart in a narrow column. */
export function shortId(id: string, keep = 8): string {
  return id.length <= keep + 1 ? id : `…${id.slice(-keep)}`
}

/** How a view names a peer id (its name when the model knows one). */
export type PeerNames = (peerId: string) => string

/** A version vector as "{…6893: 2, …1764: 5}". */
export function formatVersion(version: WireValue | undefined): string {
  if (typeof version !== "object" || version === null || Array.isArray(version)) return "—"
  const parts = Object.entries(version).map(([peer, counter]) => `${shortId(peer, 4)}: ${String(counter)}`)
  return `{${parts.join(", ")}}`
}

/** A document's heads (automerge change hashes) in hex, each cut to its first 7 characters as git does: "[3f2a9c1, 81be0d4]". */
export function formatHeads(heads: readonly string[] | undefined): string {
  if (!Array.isArray(heads)) return "—"
  return `[${heads.map(hash => headAsHex(String(hash)).slice(0, 7)).join(", ")}]`
}

/** Byte counts as DevTools' Network panel shows them: "812 B", "1.5 kB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatCount(bytes)} B`
  if (bytes < 1024 * 1024) return `${formatDecimal(bytes / 1024, 1)} kB`
  return `${formatDecimal(bytes / (1024 * 1024), 1)} MB`
}

export function formatByteRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`
}

/** File sizes in the words of a file dialog: "1.5 MB", "812 KB", "96 bytes". */
export function formatFileSize(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${formatDecimal(bytes / 1024 ** 3, 1)} GB`
  if (bytes >= 1024 * 1024) return `${formatDecimal(bytes / 1024 ** 2, 1)} MB`
  if (bytes >= 10 * 1024) return `${formatCount(bytes / 1024)} KB`
  if (bytes >= 1024) return `${formatDecimal(bytes / 1024, 1)} KB`
  return `${formatCount(bytes)} bytes`
}
