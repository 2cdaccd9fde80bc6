/**
 * Redaction before export: recordings hold whatever users put in presence
 * (names, cursors, selections, typed text). A redacted copy keeps every key,
 * timestamp, size, id and message type, so timelines, members and traffic
 * still read the same, and drops the values: store values, channel and
 * synchronizer payloads, command details, emitter data, identity names, repo
 * labels (apps label repos with their user's name) and URL queries. The
 * original recording is not touched.
 */
import {
  SUMMARY_TAG,
  skipUnknown,
  type BackgroundToPanelMessage,
  type HookEvent,
  type HookToPanelMessage,
  type ModelSnapshot,
  type PeerSummary,
  type StoreEntry,
  type WireValue,
} from "../../protocol/messages"
import type { Recording, RecordingLine } from "./format"

/** Stands where a value was; the panel shows it as a summary of kind "redacted". */
export const REDACTED: WireValue = { [SUMMARY_TAG]: "redacted" }

/**
 * Repo labels become "repo 1", "repo 2"... in order of first appearance. The
 * same label always gets the same stand-in, so a repo that registers again
 * after a reload is still recognised as the same one.
 */
type Relabel = (label: string) => string

function labelStandIns(): Relabel {
  const standIns = new Map<string, string>()
  return label => {
    let standIn = standIns.get(label)
    if (standIn === undefined) {
      standIn = `repo ${standIns.size + 1}`
      standIns.set(label, standIn)
    }
    return standIn
  }
}

function entry(source: StoreEntry): StoreEntry {
  const { value: _dropped, ...kept } = source
  return source.deleted ? kept : { ...kept, value: REDACTED }
}

/** Origin and path only: queries and fragments carry tokens and ids. */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    const parsed = new URL(url)
    return parsed.origin === "null" ? `${parsed.protocol}${parsed.pathname}` : `${parsed.origin}${parsed.pathname}`
  } catch {
    return ""
  }
}

function peers(list: PeerSummary[] | undefined): PeerSummary[] | undefined {
  return list?.map(peer => ({ ...peer, identity: { peerId: peer.identity.peerId, type: peer.identity.type } }))
}

function model(snapshot: ModelSnapshot): ModelSnapshot {
  return { ...snapshot, identity: { peerId: snapshot.identity?.peerId, type: snapshot.identity?.type }, peers: peers(snapshot.peers) ?? [] }
}

function event(source: HookEvent): HookEvent {
  switch (source.kind) {
    case "store":
      return { ...source, entries: source.entries.map(entry) }
    case "channel-in":
    case "channel-out":
      return { ...source, message: REDACTED }
    case "sync-message":
      return {
        ...source,
        message: REDACTED,
        commands: source.commands.map(({ type, depth }) => ({ type, depth })),
        delta: { ...source.delta, ...(source.delta?.peers ? { peers: peers(source.delta.peers) } : {}) },
      }
    case "emitter":
      return { ...source, data: REDACTED }
    default:
      return source
  }
}

function hookMessage(message: HookToPanelMessage, relabel: Relabel): HookToPanelMessage {
  switch (message.type) {
    case "hook/hello":
      return { ...message, url: redactUrl(message.url) ?? "" }
    case "repo/registered": {
      const { name: _name, ...repo } = message.repo
      const stores = message.stores.map(store => ({ ...store, entries: store.entries.map(entry) }))
      return { ...message, repo: { ...repo, label: relabel(repo.label) }, snapshot: model(message.snapshot), stores }
    }
    case "hook/snapshot": {
      // Recorders leave these out; one in an older file is redacted like the registrations it holds.
      const repos = message.repos.map(({ repo: { name: _name, ...repo }, snapshot, stores }) => ({
        repo: { ...repo, label: relabel(repo.label) },
        snapshot: model(snapshot),
        stores: stores.map(store => ({ ...store, entries: store.entries.map(entry) })),
      }))
      return { ...message, url: redactUrl(message.url) ?? "", repos }
    }
    case "repo/events":
      return { ...message, events: message.events.map(event) }
    case "simulate/state":
      return {
        ...message,
        peers: message.peers.map(peer => ({
          ...peer,
          // Which namespaces a simulated peer writes stays; what it writes does not.
          namespaces: Object.fromEntries(
            Object.keys(peer.namespaces).map(namespace => [namespace, { value: null, behaviour: { kind: "static" } }]),
          ),
        })),
      }
    case "repo/unregistered":
    case "repo/tap-disabled":
    case "hook/dropped":
    case "hook/heartbeat":
    case "hook/pong":
    case "attach/result":
    case "simulate/error":
    case "simulate/network-state":
    case "repo/event-tape":
      // Ids, counts and reasons: nothing of the page's content (tapes never reach a recording).
      return message
    default:
      skipUnknown(message)
      return message
  }
}

function panelMessage(message: BackgroundToPanelMessage, relabel: Relabel): BackgroundToPanelMessage {
  switch (message.type) {
    case "background/page-batch":
      return { ...message, batch: { ...message.batch, messages: message.batch.messages.map(inner => hookMessage(inner, relabel)) } }
    case "background/page-status":
      return message.url === undefined ? message : { ...message, url: redactUrl(message.url) }
    case "background/relay-stats":
    case "panel/unreadable":
      return message
    case "background/origin-tabs":
      // Recorders leave other tabs out; found in a file, they are redacted like the inspected tab.
      return { ...message, tabs: message.tabs.map(tab => (tab.url === undefined ? tab : { ...tab, url: redactUrl(tab.url) })) }
    case "background/tab-batch":
      return { ...message, message: panelMessage(message.message, relabel) as typeof message.message }
    default:
      skipUnknown(message)
      return message
  }
}

function line(source: RecordingLine, relabel: Relabel): RecordingLine {
  if (source.kind === "checkpoint") return { ...source, messages: source.messages.map(message => panelMessage(message, relabel)) }
  if (source.kind === "message") return { ...source, message: panelMessage(source.message, relabel) }
  return source
}

export function redactRecording(recording: Recording): Recording {
  const relabel = labelStandIns()
  const meta = {
    ...recording.meta,
    redacted: true,
    repos: recording.meta.repos.map(repo => ({ ...repo, label: relabel(repo.label) })),
    peers: recording.meta.peers.map(({ name: _name, ...peer }) => peer),
  }
  return { meta, lines: recording.lines.map(source => line(source, relabel)) }
}
