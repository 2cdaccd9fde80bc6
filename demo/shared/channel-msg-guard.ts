import type { BatchableMsgJSON, ChannelMsgJSON } from "@loro-extended/repo"

/**
 * Structural check of a parsed frame before it reaches the repo.
 *
 * The repo trusts its adapters: a frame without a docId or with a non-numeric
 * peerId would throw deep inside the synchronizer. A hub must survive any
 * bytes a client sends, so every field the repo reads is checked here.
 */
export function isChannelMsgJSON(value: unknown): value is ChannelMsgJSON {
  if (!isRecord(value)) return false
  if (value.type === "channel/batch") {
    return Array.isArray(value.messages) && value.messages.every(isBatchableMsgJSON)
  }
  return isBatchableMsgJSON(value) || isEstablishmentMsgJSON(value)
}

function isEstablishmentMsgJSON(value: Record<string, unknown>): boolean {
  return (value.type === "channel/establish-request" || value.type === "channel/establish-response") && isIdentity(value.identity)
}

function isBatchableMsgJSON(value: unknown): value is BatchableMsgJSON {
  if (!isRecord(value)) return false
  switch (value.type) {
    case "channel/sync-request":
      return (
        isString(value.docId) &&
        isVersionVector(value.requesterDocVersion) &&
        (value.bidirectional === undefined || typeof value.bidirectional === "boolean") &&
        isOptionalStoreList(value.ephemeral)
      )
    case "channel/sync-response":
      return isString(value.docId) && isTransmission(value.transmission) && isOptionalStoreList(value.ephemeral)
    case "channel/update":
      return isString(value.docId) && isTransmission(value.transmission)
    case "channel/directory-request":
      return value.docIds === undefined || isStringList(value.docIds)
    case "channel/directory-response":
    case "channel/new-doc":
      return isStringList(value.docIds)
    case "channel/delete-request":
      return isString(value.docId)
    case "channel/delete-response":
      return isString(value.docId) && (value.status === "deleted" || value.status === "ignored")
    case "channel/ephemeral":
      return (
        isString(value.docId) && Number.isInteger(value.hopsRemaining) && (value.hopsRemaining as number) >= 0 && isStoreList(value.stores)
      )
    default:
      return false
  }
}

function isTransmission(value: unknown): boolean {
  if (!isRecord(value)) return false
  switch (value.type) {
    case "up-to-date":
      return isVersionVector(value.version)
    case "snapshot":
    case "update":
      return isString(value.data) && isVersionVector(value.version)
    case "unavailable":
      return true
    default:
      return false
  }
}

function isIdentity(value: unknown): boolean {
  return (
    isRecord(value) &&
    isPeerId(value.peerId) &&
    (value.name === undefined || isString(value.name)) &&
    (value.type === undefined || value.type === "user" || value.type === "bot" || value.type === "service")
  )
}

function isOptionalStoreList(value: unknown): boolean {
  return value === undefined || isStoreList(value)
}

function isStoreList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(entry => isRecord(entry) && isPeerId(entry.peerId) && isString(entry.data) && isString(entry.namespace))
  )
}

function isVersionVector(value: unknown): boolean {
  return isRecord(value) && Object.entries(value).every(([peer, counter]) => isPeerId(peer) && Number.isInteger(counter))
}

// Loro peer ids are unsigned 64-bit integers written in decimal.
function isPeerId(value: unknown): boolean {
  return isString(value) && /^(0|[1-9]\d{0,19})$/.test(value) && BigInt(value) <= 0xffff_ffff_ffff_ffffn
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString)
}

function isString(value: unknown): value is string {
  return typeof value === "string"
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}
