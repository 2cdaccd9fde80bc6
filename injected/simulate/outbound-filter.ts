/**
 * Keeps local-only simulated peers inside the page: removes their keys from
 * every ephemeral payload in a message the app is about to send.
 *
 * Frames injected with `hopsRemaining: 0` are never relayed, but the repo
 * re-encodes whole stores (every key, ours included) on heartbeats, on its
 * own presence changes and in sync-request/sync-response `ephemeral` fields,
 * possibly inside a `channel/batch`. Those payloads are scanned for their
 * keys, our entries dropped, and the rest reassembled from the original bytes.
 *
 * Messages are never changed in place (the repo hands the same message
 * object to several envelopes): a message that needs filtering is copied,
 * one that does not is returned as is.
 */
import type { BatchableMsg, ChannelMsg, EphemeralStoreData } from "@loro-extended/repo"
import { scanEphemeralKeys, type ScannedEntry } from "../../codec/loro-ephemeral/ephemeral-codec"
import { joinEncodedEntries } from "../../codec/loro-ephemeral/ephemeral-encoder"

export type KeyFilter = (key: string) => boolean

const utf8 = new TextEncoder()

/**
 * `data` without the entries whose key is hidden: the same array when none
 * is, undefined when nothing is left. Bytes that do not decode cannot be
 * filtered; they pass only if no hidden key occurs in them at all.
 */
export function stripEphemeralData(data: Uint8Array, isHidden: KeyFilter, hiddenKeys: () => Iterable<string>): Uint8Array | undefined {
  if (data.length === 0) return data
  let entries: ScannedEntry[]
  try {
    entries = scanEphemeralKeys(data)
  } catch {
    return containsAnyKey(data, hiddenKeys()) ? undefined : data
  }
  if (!entries.some(entry => isHidden(entry.key))) return data
  const kept: Uint8Array[] = []
  // Entries are laid out back to back after the count prefix.
  let offset = data.length - entries.reduce((sum, entry) => sum + entry.size, 0)
  for (const entry of entries) {
    if (!isHidden(entry.key)) kept.push(data.subarray(offset, offset + entry.size))
    offset += entry.size
  }
  return kept.length > 0 ? joinEncodedEntries(kept) : undefined
}

function containsAnyKey(data: Uint8Array, keys: Iterable<string>): boolean {
  for (const key of keys) if (indexOfBytes(data, utf8.encode(key)) >= 0) return true
  return false
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let index = 0; index < needle.length; index++) {
      if (haystack[start + index] !== needle[index]) continue outer
    }
    return start
  }
  return -1
}

export class EphemeralKeyStripper {
  readonly #isHidden: KeyFilter
  readonly #hiddenKeys: () => Iterable<string>

  constructor(isHidden: KeyFilter, hiddenKeys: () => Iterable<string>) {
    this.#isHidden = isHidden
    this.#hiddenKeys = hiddenKeys
  }

  /** The stores with hidden keys removed; the same array when nothing was removed. */
  stores(stores: EphemeralStoreData[]): EphemeralStoreData[] {
    let changed = false
    const kept: EphemeralStoreData[] = []
    for (const store of stores) {
      const data = stripEphemeralData(store.data, this.#isHidden, this.#hiddenKeys)
      if (data !== store.data) changed = true
      if (data) kept.push(data === store.data ? store : { ...store, data })
    }
    return changed ? kept : stores
  }

  /** The message to send instead: the same object, a filtered copy, or undefined when nothing is left to send. */
  message(message: ChannelMsg): ChannelMsg | undefined {
    if (message.type === "channel/batch") {
      let changed = false
      const messages: BatchableMsg[] = []
      for (const inner of message.messages) {
        const filtered = this.message(inner) as BatchableMsg | undefined
        if (filtered !== inner) changed = true
        if (filtered) messages.push(filtered)
      }
      if (!changed) return message
      return messages.length > 0 ? { ...message, messages } : undefined
    }
    if (message.type === "channel/ephemeral") {
      const stores = this.stores(message.stores)
      if (stores === message.stores) return message
      return stores.length > 0 ? { ...message, stores } : undefined
    }
    if ((message.type === "channel/sync-request" || message.type === "channel/sync-response") && message.ephemeral) {
      const ephemeral = this.stores(message.ephemeral)
      if (ephemeral === message.ephemeral) return message
      // The document part must still go out: only the ephemeral field shrinks.
      const { ephemeral: _dropped, ...rest } = message
      return ephemeral.length > 0 ? { ...rest, ephemeral } : rest
    }
    return message
  }
}
