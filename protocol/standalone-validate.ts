/**
 * Checks for the standalone wire (protocol/standalone.ts). Every frame is
 * JSON text from a socket: it is parsed here and has to be one message of
 * the receiver's union, with the fields the receiver uses, or it is refused
 * (undefined). Source batches stay text: the panel checks them as it checks
 * a page's (parseHookBatch).
 */
import { PROTOCOL_VERSION } from "./messages"
import type { PanelToServerMessage, ServerToPanelMessage, ServerToSourceMessage, SourceInfo, SourceToServerMessage } from "./standalone"
import { checkPanelToHook, MAX_STRING_CHARS, typesOf } from "./validate"

/** Longest source id and label a source may give itself. */
const MAX_NAME_CHARS = 200

const SOURCE_TO_SERVER = typesOf<SourceToServerMessage>({ "source/hello": true, "source/batch": true, "source/lost": true })
const SERVER_TO_PANEL = typesOf<ServerToPanelMessage>({
  "server/sources": true,
  "server/source": true,
  "server/batch": true,
  "server/lost": true,
})

type Fields = Record<string, unknown>

function parseObject(text: unknown, types: ReadonlySet<string>): Fields | undefined {
  if (typeof text !== "string" || text.length > MAX_STRING_CHARS) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined
  const fields = value as Fields
  return typeof fields.type === "string" && types.has(fields.type) ? fields : undefined
}

const isName = (value: unknown): value is string => typeof value === "string" && value.length > 0 && value.length <= MAX_NAME_CHARS
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0

export function parseSourceToServer(text: unknown): SourceToServerMessage | undefined {
  const message = parseObject(text, SOURCE_TO_SERVER)
  if (!message) return undefined
  switch (message.type) {
    case "source/hello":
      return Number.isSafeInteger(message.protocol) && isName(message.source) && isName(message.label)
        ? { type: "source/hello", protocol: message.protocol as number, source: message.source, label: message.label }
        : undefined
    case "source/batch":
      return typeof message.batchJson === "string" ? { type: "source/batch", batchJson: message.batchJson } : undefined
    default:
      return isCount(message.count) ? { type: "source/lost", count: message.count } : undefined
  }
}

export function parseServerToSource(text: unknown): ServerToSourceMessage | undefined {
  const message = parseObject(text, new Set(["server/to-hook"]))
  const checked = message ? checkPanelToHook(message.message) : undefined
  return checked?.ok ? { type: "server/to-hook", message: checked.value } : undefined
}

export function parsePanelToServer(text: unknown): PanelToServerMessage | undefined {
  const message = parseObject(text, new Set(["panel/to-source"]))
  if (!message || !isName(message.source)) return undefined
  const checked = checkPanelToHook(message.message)
  return checked.ok ? { type: "panel/to-source", source: message.source, message: checked.value } : undefined
}

function sourceInfoOf(value: unknown): SourceInfo | undefined {
  if (typeof value !== "object" || value === null) return undefined
  const { source, label, connected } = value as Fields
  return isName(source) && isName(label) && typeof connected === "boolean" ? { source, label, connected } : undefined
}

export function parseServerToPanel(text: unknown): ServerToPanelMessage | undefined {
  const message = parseObject(text, SERVER_TO_PANEL)
  if (!message) return undefined
  switch (message.type) {
    case "server/sources": {
      if (!Array.isArray(message.sources)) return undefined
      const sources = message.sources.map(sourceInfoOf)
      return sources.every(info => info !== undefined) ? { type: "server/sources", sources: sources as SourceInfo[] } : undefined
    }
    case "server/source": {
      const source = sourceInfoOf(message.source)
      return source ? { type: "server/source", source } : undefined
    }
    case "server/batch":
      return isName(message.source) && typeof message.batchJson === "string"
        ? { type: "server/batch", source: message.source, batchJson: message.batchJson }
        : undefined
    default:
      return isName(message.source) && isCount(message.count)
        ? { type: "server/lost", source: message.source, count: message.count }
        : undefined
  }
}

/** The protocol a source speaks is the panel's: anything else would be misread. */
export function speaksOurProtocol(hello: Extract<SourceToServerMessage, { type: "source/hello" }>): boolean {
  return hello.protocol === PROTOCOL_VERSION
}
