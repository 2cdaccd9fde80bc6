import { describe, expect, it } from "vitest"
import { SUMMARY_TAG } from "../../protocol/messages"
import { redactRecording, redactUrl } from "../../devtools-panel/recording/redact"
import { indexSteps } from "../../devtools-panel/recording/steps"
import { TimeTravel } from "../../devtools-panel/recording/time-travel"
import { logEvents } from "../../devtools-panel/state/event-log"
import { runSession } from "./recording-fixtures"

/** Every string in a value, keys included, for "does any of it survive" checks. */
function strings(value: unknown, found: string[] = []): string[] {
  if (typeof value === "string") found.push(value)
  else if (Array.isArray(value)) for (const item of value) strings(item, found)
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      found.push(key)
      strings(item, found)
    }
  }
  return found
}

describe("redaction", () => {
  it("drops values, names and URL queries; keeps keys, timestamps, sizes and the original", async () => {
    const { recording } = runSession()
    const before = JSON.stringify(recording)
    const redacted = redactRecording(recording)
    expect(JSON.stringify(recording)).toBe(before)
    expect(redacted.meta.redacted).toBe(true)
    expect(redacted.meta.peers.every(peer => peer.name === undefined)).toBe(true)
    // Marks are the exporter's own words, kept as written; nothing else may name anyone.
    expect(redacted.lines.filter(line => line.kind === "mark")).toEqual(recording.lines.filter(line => line.kind === "mark"))
    const text = strings(redacted.lines.filter(line => line.kind !== "mark")).concat(strings(redacted.meta))
    // Names, in values and in repo labels ("alice", "alice-2": apps label repos with their user's name).
    for (const secret of ["alice", "bob", "carol"]) expect(text.filter(s => s.includes(secret))).toEqual([])
    // Each label has one stand-in throughout, so repos still tell apart and match across registrations.
    const originalLabels = recording.meta.repos.map(repo => repo.label)
    const standIns = redacted.meta.repos.map(repo => repo.label)
    expect(new Set(originalLabels).size).toBeGreaterThan(1)
    expect(standIns.every(label => /^repo \d+$/.test(label))).toBe(true)
    expect(new Set(standIns).size).toBe(new Set(originalLabels).size)

    const travel = await TimeTravel.build(indexSteps(redacted))
    const original = await TimeTravel.build(indexSteps(recording))
    const keysOf = (state: typeof travel.final) =>
      [...state.repos.values()].flatMap(repo =>
        [...repo.rooms.values()].flatMap(room =>
          [...room.namespaces].flatMap(([ns, entries]) =>
            [...entries.values()].map(e => [repo.info.repoId, ns, e.key, e.deleted, e.timestamp, e.size]),
          ),
        ),
      )
    expect(keysOf(travel.final)).toEqual(keysOf(original.final))
    const labelOf = (state: typeof travel.final) => new Map([...state.repos.values()].map(repo => [repo.info.repoId, repo.info.label]))
    const redactedLabels = labelOf(travel.final)
    for (const [repoId, label] of labelOf(original.final)) {
      expect(redactedLabels.get(repoId)).toBe(standIns[originalLabels.indexOf(label)])
    }
    const values = [...travel.final.repos.values()].flatMap(repo =>
      [...repo.rooms.values()].flatMap(room =>
        [...room.namespaces.values()].flatMap(entries => [...entries.values()].filter(e => !e.deleted).map(e => e.value)),
      ),
    )
    expect(values.length).toBeGreaterThan(0)
    expect(values.every(value => JSON.stringify(value) === JSON.stringify({ [SUMMARY_TAG]: "redacted" }))).toBe(true)
    // Traffic keeps its types and sizes, not its payload.
    const inbound = logEvents(travel.final.log).find(event => event.kind === "channel-in")
    expect(inbound).toMatchObject({ msgType: "channel/ephemeral", size: 64, message: { [SUMMARY_TAG]: "redacted" } })
  })

  it("keeps only origin and path of URLs", () => {
    expect(redactUrl("https://app.example.com/room/42?token=secret#me")).toBe("https://app.example.com/room/42")
    expect(redactUrl("not a url")).toBe("")
    expect(redactUrl(undefined)).toBeUndefined()
  })
})
