import type { ChannelMsg } from "@loro-extended/repo"
import { VersionVector } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { decodeFrame, encodeFrame } from "../../demo/shared/channel-frame"

function roundTrip(message: ChannelMsg): ChannelMsg {
  const decoded = decodeFrame(encodeFrame(message))
  if (!decoded.ok) throw new Error(decoded.reason)
  return decoded.message
}

describe("demo channel frames", () => {
  it("carries a batch of sync requests and ephemeral data intact", () => {
    const version = VersionVector.parseJSON(new Map([["42", 7]]))
    const presence = new Uint8Array([1, 2, 3, 250])
    const message: ChannelMsg = {
      type: "channel/batch",
      messages: [
        {
          type: "channel/sync-request",
          docId: "room:lobby",
          requesterDocVersion: version,
          bidirectional: true,
          ephemeral: [{ peerId: "42", data: presence, namespace: "presence" }],
        },
        {
          type: "channel/ephemeral",
          docId: "room:lobby",
          hopsRemaining: 1,
          stores: [{ peerId: "42", data: presence, namespace: "cursor" }],
        },
      ],
    }

    const decoded = roundTrip(message)

    if (decoded.type !== "channel/batch") throw new Error(`got ${decoded.type}`)
    const [syncRequest, ephemeral] = decoded.messages
    if (syncRequest?.type !== "channel/sync-request") throw new Error("first message lost its type")
    expect(Object.fromEntries(syncRequest.requesterDocVersion.toJSON())).toEqual({ "42": 7 })
    expect(syncRequest.ephemeral?.[0]?.data).toEqual(presence)
    expect(ephemeral).toEqual({
      type: "channel/ephemeral",
      docId: "room:lobby",
      hopsRemaining: 1,
      stores: [{ peerId: "42", data: presence, namespace: "cursor" }],
    })
  })

  it("is one JSON text per message", () => {
    const frame = encodeFrame({ type: "channel/establish-request", identity: { peerId: "7", name: "alice", type: "user" } })
    expect(JSON.parse(frame)).toEqual({
      type: "channel/establish-request",
      identity: { peerId: "7", name: "alice", type: "user" },
    })
  })

  it.each([
    ["not JSON", "{"],
    ["a bare value", "null"],
    ["an unknown type", JSON.stringify({ type: "channel/hello" })],
    ["a nested batch", JSON.stringify({ type: "channel/batch", messages: [{ type: "channel/batch", messages: [] }] })],
    ["a bad peer id", JSON.stringify({ type: "channel/establish-response", identity: { peerId: "-1" } })],
    ["a missing docId", JSON.stringify({ type: "channel/ephemeral", hopsRemaining: 0, stores: [] })],
    ["a negative hop count", JSON.stringify({ type: "channel/ephemeral", docId: "d", hopsRemaining: -1, stores: [] })],
    [
      "broken base64",
      JSON.stringify({ type: "channel/ephemeral", docId: "d", hopsRemaining: 0, stores: [{ peerId: "1", data: "!!", namespace: "n" }] }),
    ],
  ])("rejects %s without throwing", (_label, frame) => {
    expect(decodeFrame(frame).ok).toBe(false)
  })
})
