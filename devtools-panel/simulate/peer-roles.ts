/**
 * Which members of a room are clients and which are services, judged the
 * way a developer would: from how they connect and from what they publish.
 * A simulated peer should look like the app's clients; cloning a server's
 * presence (a game server publishing the whole game state) makes every tab
 * draw that state instead of a player. Replay leaves services out by default
 * for the same reason: the app's live server is already there.
 *
 * A member is a service when
 *   - its identity type is "service" (directly connected peers show theirs),
 *   - it relays other members' entries (a hub: entries of others arrive
 *     through its channel), or
 *   - what it publishes says so: a `type`, `role` or `kind` field of
 *     "server", "service", "hub", "host", "system" or "relay".
 * The typical client is a member of the largest group of non-service
 * members that publish alike (the same `type`-like field, else the same
 * fields in the namespace most of them write).
 */
import type { WireValue } from "../../protocol/messages"
import type { RepoState, RoomState } from "../state/panel-state"
import { memberRows } from "../state/queries"
import { shortId } from "../values/format"
import { isWireObject } from "../values/summary"

export interface PeerProfile {
  peerId: string
  /** The model's identity name, else a `name` field it publishes, else a short id. */
  name: string
  role: "client" | "service"
  /** Why it counts as a service, in words; undefined for clients. */
  why?: string
  /** The repo's own peer (the inspected page). */
  isSelf: boolean
  present: boolean
  /** What groups members that publish alike (see the module comment). */
  kind: string
  /** When one of its values last changed (0 when never seen changing). */
  lastChange: number
  /** Its live value per namespace. */
  values: ReadonlyMap<string, WireValue>
}

const DISCRIMINATORS = ["type", "role", "kind"] as const
const SERVICE_WORDS = new Set(["server", "service", "hub", "host", "system", "relay"])

/** The `type`-like field a member's values carry, as `type=client`. */
function discriminator(values: ReadonlyMap<string, WireValue>): { field: string; word: string } | undefined {
  for (const value of values.values()) {
    if (!isWireObject(value)) continue
    for (const field of DISCRIMINATORS) {
      const word = value[field]
      if (typeof word === "string" && word !== "") return { field, word }
    }
  }
  return undefined
}

function serviceReason(type: string | undefined, relays: number, tag: { field: string; word: string } | undefined): string | undefined {
  if (type === "service") return 'its identity type is "service"'
  if (relays > 0) return `it relays ${relays === 1 ? "another member's" : `${relays} other members'`} entries (a hub)`
  if (tag && SERVICE_WORDS.has(tag.word.toLowerCase())) return `it publishes ${tag.field}: "${tag.word}"`
  return undefined
}

/** The namespace the most members write: what tells one kind of client from another. */
function mainNamespace(room: RoomState, members: ReadonlySet<string>): string | undefined {
  let best: string | undefined
  let most = 0
  for (const [namespace, entries] of room.namespaces) {
    let count = 0
    for (const [key, entry] of entries) if (members.has(key) && !entry.deleted) count++
    if (count > most) {
      most = count
      best = namespace
    }
  }
  return best
}

function fieldsKind(values: ReadonlyMap<string, WireValue>, main: string | undefined): string {
  const value = main === undefined ? undefined : values.get(main)
  const [namespace, shown] = value !== undefined ? [main, value] : ([...values][0] ?? [undefined, undefined])
  if (namespace === undefined) return "nothing"
  const fields = isWireObject(shown) ? Object.keys(shown).sort().join(",") : typeof shown
  return `${namespace}{${fields}}`
}

/**
 * Every member of the room other than simulated peers, with its role. The
 * repo's own peer is included: a page's own user is a client like any other.
 */
export function profileMembers(repo: RepoState, room: RoomState, simulated: ReadonlySet<string>): PeerProfile[] {
  const rows = memberRows(repo, room).filter(row => !simulated.has(row.peerId))
  const relayed = new Map<string, number>()
  for (const member of room.members.values()) {
    const relayer = member.via?.peerId
    if (relayer !== undefined && relayer !== member.peerId) relayed.set(relayer, (relayed.get(relayer) ?? 0) + 1)
  }
  const candidates = new Set(rows.map(row => row.peerId))
  const main = mainNamespace(room, candidates)
  return rows.map(row => {
    const values = new Map<string, WireValue>()
    let lastChange = 0
    for (const [namespace, entries] of room.namespaces) {
      const entry = entries.get(row.peerId)
      if (!entry || entry.deleted || entry.value === undefined) continue
      values.set(namespace, entry.value)
      lastChange = Math.max(lastChange, entry.changedAt)
    }
    const tag = discriminator(values)
    const why = serviceReason(row.type, relayed.get(row.peerId) ?? 0, tag)
    const name = row.name ?? shortId(row.peerId)
    return {
      peerId: row.peerId,
      name,
      role: why ? "service" : "client",
      ...(why ? { why } : {}),
      isSelf: row.isSelf,
      present: row.present,
      kind: tag ? `${tag.field}=${tag.word}` : fieldsKind(values, main),
      lastChange,
      values,
    }
  })
}

/**
 * The largest group of present clients that publish alike, most recently
 * active first; ties go to the group with the most recent change. Empty
 * when no present member looks like a client.
 */
export function typicalClients(profiles: readonly PeerProfile[]): PeerProfile[] {
  const groups = new Map<string, PeerProfile[]>()
  for (const profile of profiles) {
    if (profile.role !== "client" || !profile.present || profile.values.size === 0) continue
    groups.set(profile.kind, [...(groups.get(profile.kind) ?? []), profile])
  }
  const newest = (group: readonly PeerProfile[]) => Math.max(...group.map(profile => profile.lastChange))
  let best: PeerProfile[] = []
  for (const group of groups.values()) {
    if (group.length > best.length || (group.length === best.length && newest(group) > newest(best))) best = group
  }
  return [...best].sort((a, b) => b.lastChange - a.lastChange)
}

/**
 * The values to start simulated peers from, per namespace: those of `like`
 * (a member the user chose) or of the typical client, a namespace the source
 * does not write taken from the most recent member of its group. Never a
 * service's, unless the user chose that service.
 */
export function templateSources(
  profiles: readonly PeerProfile[],
  like?: string,
): { from: PeerProfile | undefined; values: Map<string, WireValue> } {
  const chosen = like === undefined ? undefined : profiles.find(profile => profile.peerId === like)
  if (chosen) return { from: chosen, values: new Map(chosen.values) }
  const group = typicalClients(profiles)
  const values = new Map<string, WireValue>()
  for (const member of group) for (const [namespace, value] of member.values) if (!values.has(namespace)) values.set(namespace, value)
  return { from: group[0], values }
}

/** Keys whose values say nothing about the app's clients: simulated peers and services. */
export function learnsNothingFrom(simulated: ReadonlySet<string>, profiles: readonly PeerProfile[]): ReadonlySet<string> {
  const ignored = new Set(simulated)
  for (const profile of profiles) if (profile.role === "service") ignored.add(profile.peerId)
  return ignored
}
