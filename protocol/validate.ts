/**
 * Runtime checks for untrusted input at every boundary. Each returns either
 * the typed value or a DropReason, never throws, and does bounded work: a
 * hostile page can make us walk at most MAX_NODES nodes per message.
 */
import {
  assertNever,
  type BackgroundToContentMessage,
  type BackgroundToPanelWire,
  type ContentToBackgroundMessage,
  type DropReason,
  type HookToPanelMessage,
  type HookToRelayMessage,
  type PageProtocol,
  type PanelToBackgroundMessage,
  type PanelToHookMessage,
} from "./messages"

/** Limits on one page batch; the hook's own batches stay far below them. */
export const MAX_NODES = 500_000
export const MAX_STRING_CHARS = 16_000_000
export const MAX_DEPTH = 64
export const MAX_MESSAGES_PER_BATCH = 20_000
/** A version string longer than this is not one. */
const MAX_VERSION_CHARS = 64

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: DropReason }

/**
 * The set of a union's message types, from an object naming each exactly
 * once: a type added to the union and not here, or named here and not in
 * the union, does not compile. So no message can be forgotten by a check.
 */
export function typesOf<M extends { type: string }>(types: Record<M["type"], true>): ReadonlySet<string> {
  return new Set(Object.keys(types))
}

const HOOK_MESSAGE_TYPES = typesOf<HookToPanelMessage>({
  "hook/hello": true,
  "repo/registered": true,
  "repo/unregistered": true,
  "repo/events": true,
  "repo/event-tape": true,
  "repo/tap-disabled": true,
  "hook/dropped": true,
  "hook/heartbeat": true,
  "hook/pong": true,
  "attach/result": true,
  "simulate/state": true,
  "simulate/error": true,
  "hook/snapshot": true,
  "simulate/network-state": true,
})

const PANEL_MESSAGE_TYPES = typesOf<PanelToHookMessage>({
  "panel/subscribe": true,
  "panel/unsubscribe": true,
  "panel/ping": true,
  "attach/path": true,
  "discovery/scan": true,
  "simulate/add": true,
  "simulate/update": true,
  "simulate/pause": true,
  "simulate/remove": true,
  "simulate/remove-all": true,
  "simulate/set-keep-on-close": true,
  "panel/snapshot": true,
  "simulate/network": true,
})

const CONTENT_TO_BACKGROUND_TYPES = typesOf<ContentToBackgroundMessage>({
  "content/hello": true,
  "content/page-batch": true,
  "content/stats": true,
})

const BACKGROUND_TO_CONTENT_TYPES = typesOf<BackgroundToContentMessage>({
  "background/panel-listening": true,
  "background/received": true,
  "background/to-page": true,
})

const PANEL_TO_BACKGROUND_TYPES = typesOf<PanelToBackgroundMessage>({
  "panel/hello": true,
  "panel/received": true,
  "panel/to-page": true,
  "panel/watch-origin": true,
  "panel/snapshot-origin": true,
})

const BACKGROUND_TO_PANEL_TYPES = typesOf<BackgroundToPanelWire>({
  "background/page-batch": true,
  "background/relay-stats": true,
  "background/page-status": true,
  "background/origin-tabs": true,
  "background/tab-batch": true,
})

function hasTypeIn(value: unknown, types: ReadonlySet<string>): boolean {
  return isRecord(value) && typeof value.type === "string" && types.has(value.type)
}

/**
 * Messages between the extension's own contexts (content script,
 * background, panel) carry one of their union's types. Only the type is
 * checked here: each receiver checks the fields it uses, and the switch
 * that follows is exhaustive.
 */
export function isContentToBackground(value: unknown): value is ContentToBackgroundMessage {
  return hasTypeIn(value, CONTENT_TO_BACKGROUND_TYPES)
}

export function isBackgroundToContent(value: unknown): value is BackgroundToContentMessage {
  return hasTypeIn(value, BACKGROUND_TO_CONTENT_TYPES)
}

export function isPanelToBackground(value: unknown): value is PanelToBackgroundMessage {
  return hasTypeIn(value, PANEL_TO_BACKGROUND_TYPES)
}

export function isBackgroundToPanel(value: unknown): value is BackgroundToPanelWire {
  return hasTypeIn(value, BACKGROUND_TO_PANEL_TYPES)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

/**
 * True when `value` is plain JSON data (objects with the plain prototype,
 * arrays, strings, finite numbers, booleans, null) within the size limits.
 * Structured clone lets a page post Blobs, Maps, Dates and typed arrays; none
 * of them may cross into the extension.
 */
export function plainDataCheck(value: unknown): DropReason | undefined {
  let nodes = 0
  let chars = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!
    if (++nodes > MAX_NODES) return "too-large"
    if (depth > MAX_DEPTH) return "too-large"
    if (current === null || typeof current === "boolean") continue
    if (typeof current === "number") {
      if (!Number.isFinite(current)) return "not-plain-data"
      continue
    }
    if (typeof current === "string") {
      chars += current.length
      if (chars > MAX_STRING_CHARS) return "too-large"
      continue
    }
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) stack.push([current[i], depth + 1])
      continue
    }
    if (typeof current === "object") {
      // Realm-independent: in Firefox a content script receives the page's
      // objects with the page realm's Object.prototype. A plain object's
      // prototype is null or a root prototype; Map, Date, Blob… sit deeper.
      const proto = Object.getPrototypeOf(current)
      if (proto !== null && Object.getPrototypeOf(proto) !== null) return "not-plain-data"
      for (const key of Object.keys(current)) {
        chars += key.length
        stack.push([(current as Record<string, unknown>)[key], depth + 1])
      }
      continue
    }
    return "not-plain-data"
  }
  if (chars > MAX_STRING_CHARS) return "too-large"
  return undefined
}

/**
 * A message on the private channel the relay may forward: a batch as JSON
 * text within the size limit, its seq, and what it carries. The text is not
 * parsed here: the relay runs on the page's thread, and the panel parses and
 * checks it anyway (parseBatchMessages), counting what it cannot read.
 */
export function checkHookToRelay(data: unknown): Checked<HookToRelayMessage> {
  if (!isRecord(data) || data.type !== "page/batch") return { ok: false, reason: "bad-shape" }
  const { seq, count, batchJson } = data
  if (typeof batchJson !== "string") return { ok: false, reason: "not-plain-data" }
  if (batchJson.length > MAX_STRING_CHARS) return { ok: false, reason: "too-large" }
  if (!isCount(seq) || !isCount(count)) return { ok: false, reason: "bad-shape" }
  return { ok: true, value: { type: "page/batch", seq, count, batchJson } }
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0
}

/**
 * A hook's version announcement (HookVersionAnnouncement), from a hook of
 * any protocol version: the protocol it speaks and its version. Reads only
 * the fields no version changes; undefined for anything else.
 */
export function versionAnnouncementOf(data: unknown): PageProtocol | undefined {
  if (!isRecord(data) || data.announce !== "version" || !Number.isSafeInteger(data.protocol)) return undefined
  const hookVersion =
    typeof data.hookVersion === "string" && data.hookVersion.length <= MAX_VERSION_CHARS ? { hookVersion: data.hookVersion } : {}
  return { protocol: data.protocol as number, ...hookVersion }
}

/** Parses and shape-checks a batch's JSON text (the panel, for text from the background). */
export function parseBatchMessages(batchJson: string): HookToPanelMessage[] | DropReason {
  let batch: unknown
  try {
    batch = JSON.parse(batchJson)
  } catch {
    // Not JSON, or nested deeper than the engine's parser allows.
    return "bad-shape"
  }
  if (!isRecord(batch) || !Array.isArray(batch.messages)) return "bad-shape"
  if (batch.messages.length > MAX_MESSAGES_PER_BATCH) return "too-large"
  for (const message of batch.messages) {
    if (!hasTypeIn(message, HOOK_MESSAGE_TYPES)) return "bad-shape"
  }
  return batch.messages as HookToPanelMessage[]
}

/** A message from the panel side meant for the page hook. */
export function checkPanelToHook(message: unknown): Checked<PanelToHookMessage> {
  if (!isRecord(message) || !hasTypeIn(message, PANEL_MESSAGE_TYPES)) return { ok: false, reason: "bad-shape" }
  const type = message.type as PanelToHookMessage["type"]
  switch (type) {
    case "panel/subscribe":
    case "panel/unsubscribe":
    case "discovery/scan":
      break
    case "panel/ping":
      if (typeof message.nonce !== "string") return { ok: false, reason: "bad-shape" }
      break
    case "attach/path":
      if (typeof message.requestId !== "string" || typeof message.path !== "string") {
        return { ok: false, reason: "bad-shape" }
      }
      break
    case "simulate/add":
    case "simulate/update":
    case "simulate/pause":
    case "simulate/remove":
    case "simulate/remove-all":
    case "simulate/set-keep-on-close":
    case "simulate/network":
      // The engine validates specs in full; here only the routing fields.
      if (typeof message.requestId !== "string" || typeof message.repoId !== "string") return { ok: false, reason: "bad-shape" }
      break
    case "panel/snapshot":
      if (typeof message.requestId !== "string") return { ok: false, reason: "bad-shape" }
      break
    default:
      assertNever(type)
  }
  const plain = plainDataCheck(message)
  if (plain) return { ok: false, reason: plain }
  return { ok: true, value: message as unknown as PanelToHookMessage }
}
