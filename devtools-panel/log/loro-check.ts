/**
 * A second opinion from loro-crdt itself: the frame's bytes applied to a
 * real EphemeralStore, whose values are compared with the pure decoder's.
 * loro does not expose timestamps, so those come from the decoder alone.
 *
 * loro is imported on first use: its WASM (3.6 MB, compiled synchronously by
 * the browser build) must not slow down the panel's start or its ingest.
 * Extension pages allow the compile through the manifest's
 * `'wasm-unsafe-eval'` content security policy.
 */
import type { WireValue } from "../../protocol/messages"
import { serialize } from "../../codec/serialize/serialize"
import type { DecodedEntryView } from "../wire/ephemeral-decode"

type Loro = typeof import("loro-crdt")

let loading: Promise<Loro> | undefined

export function loadLoro(): Promise<Loro> {
  loading ??= import("loro-crdt")
  return loading
}

export type LoroCheck =
  | { status: "match"; values: Record<string, WireValue> }
  | { status: "mismatch"; values: Record<string, WireValue>; differences: string[] }
  | { status: "error"; error: string }

/**
 * Entries older than a store's timeout are dropped on import. 2^30 ms (12
 * days) keeps every recorded frame and stays below setInterval's 2^31 ms
 * limit (the store's timer runs at half its timeout).
 */
const STORE_TIMEOUT_MS = 2 ** 30

/** Key order does not matter when comparing values. */
function canonical(value: WireValue | undefined): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  )
}

export async function checkWithLoro(bytes: Uint8Array, entries: readonly DecodedEntryView[]): Promise<LoroCheck> {
  let loro: Loro
  try {
    loro = await loadLoro()
  } catch (error) {
    return { status: "error", error: `loro-crdt did not load: ${error instanceof Error ? error.message : String(error)}` }
  }
  const store = new loro.EphemeralStore(STORE_TIMEOUT_MS)
  try {
    store.apply(bytes)
    const values: Record<string, WireValue> = Object.create(null)
    for (const [key, value] of Object.entries(store.getAllStates() as Record<string, unknown>)) values[key] = serialize(value)
    const differences: string[] = []
    const seen = new Set<string>()
    for (const entry of entries) {
      seen.add(entry.key)
      const held = Object.hasOwn(values, entry.key)
      if (entry.deleted && held) differences.push(`${entry.key}: a tombstone here, a value in loro`)
      else if (!entry.deleted && !held) differences.push(`${entry.key}: loro kept no value`)
      else if (!entry.deleted && canonical(values[entry.key]) !== canonical(entry.value))
        differences.push(`${entry.key}: loro reads ${canonical(values[entry.key])}`)
    }
    for (const key of Object.keys(values)) if (!seen.has(key)) differences.push(`${key}: only loro sees this key`)
    return differences.length === 0 ? { status: "match", values } : { status: "mismatch", values, differences }
  } catch (error) {
    return { status: "error", error: `loro-crdt refused the bytes: ${error instanceof Error ? error.message : String(error)}` }
  } finally {
    store.destroy()
  }
}
