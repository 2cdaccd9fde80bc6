/**
 * How loro objects look on the wire. VersionVector -> {peer: counter},
 * LoroDoc -> {peerId, version}, functions left out. Detection is by shape,
 * not by class name, because an app's minifier may rename loro's classes.
 */
import type { WireValue } from "../../../protocol/messages"
import { serialize, type SerializeOptions } from "../../../codec/serialize/serialize"
import { isObject, read } from "./repo-shape"

/** A VersionVector as `{peerId: counter}`, or undefined when `value` is none. */
export function versionVectorToObject(value: unknown): Record<string, number> | undefined {
  if (!isVersionVector(value)) return undefined
  const json: unknown = (value as { toJSON(): unknown }).toJSON()
  const result: Record<string, number> = {}
  if (json instanceof Map) {
    for (const [peer, counter] of json) {
      if (typeof counter === "number" && Number.isFinite(counter)) result[String(peer)] = counter
    }
  }
  return result
}

/** A LoroDoc's current version, or undefined when `value` is not a doc. */
export function docVersion(value: unknown): Record<string, number> | undefined {
  if (!isLoroDoc(value)) return undefined
  return versionVectorToObject((value as { version(): unknown }).version())
}

function isVersionVector(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.toJSON === "function" &&
    typeof value.compare === "function" &&
    typeof value.setEnd === "function" &&
    typeof value.encode === "function"
  )
}

function isLoroDoc(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.version === "function" &&
    typeof value.export === "function" &&
    typeof value.getMap === "function" &&
    typeof value.frontiers === "function"
  )
}

function convertLoroObject(value: object): { value: unknown } | undefined {
  const version = versionVectorToObject(value)
  if (version) return { value: version }
  if (isLoroDoc(value)) {
    const peerId = read(value, "peerIdStr")
    return { value: { loroDoc: true, ...(typeof peerId === "string" ? { peerId } : {}), version: docVersion(value) ?? {} } }
  }
  return undefined
}

/** Serialises repo values: loro objects converted, functions dropped, given buffers in full. */
export function serializeRepoValue(value: unknown, fullBytes?: ReadonlySet<object>, extra?: Partial<SerializeOptions>): WireValue {
  return serialize(value, {
    convert: convertLoroObject,
    dropFunctions: true,
    maxNodes: 20_000,
    ...(fullBytes ? { fullBytes } : {}),
    ...extra,
  })
}

/**
 * The `data` buffers of ephemeral store payloads in a channel message
 * (`channel/ephemeral`, the `ephemeral` of sync requests and responses,
 * batches unpacked): the panel decodes them, so they travel whole.
 */
export function collectEphemeralData(message: unknown, into: Set<object> = new Set()): Set<object> {
  const type = read(message, "type")
  if (type === "channel/batch") {
    const inner = read(message, "messages")
    if (Array.isArray(inner)) for (const item of inner) collectEphemeralData(item, into)
    return into
  }
  const stores = type === "channel/ephemeral" ? read(message, "stores") : read(message, "ephemeral")
  if (Array.isArray(stores)) {
    for (const store of stores) {
      const data = read(store, "data")
      if (data instanceof Uint8Array) into.add(data)
    }
  }
  return into
}

/** Rough wire size in bytes: binary payloads, string lengths, 8 per number; bounded walk. */
export function estimateSize(value: unknown, nodeLimit = 10_000): number {
  let size = 0
  let nodes = 0
  const stack: unknown[] = [value]
  while (stack.length > 0 && nodes++ < nodeLimit) {
    const current = stack.pop()
    if (typeof current === "string") size += current.length
    else if (typeof current === "number") size += 8
    else if (typeof current === "boolean") size += 1
    else if (current instanceof Uint8Array) size += current.byteLength
    else if (Array.isArray(current)) {
      for (let index = 0; index < current.length && index < nodeLimit; index++) stack.push(current[index])
    } else if (isObject(current) && typeof current !== "function") {
      const version = versionVectorToObject(current)
      if (version) {
        size += Object.keys(version).length * 12
        continue
      }
      for (const key of Object.keys(current)) {
        size += key.length
        stack.push(read(current, key))
      }
    }
  }
  return size
}
