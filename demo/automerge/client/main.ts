/**
 * The automerge-repo demo page: each peer is a Repo on the registry's
 * WebSocketClientAdapter, talking to automerge's NodeWSServerAdapter, with a
 * Presence on the room's document carrying who it is, its cursor and typing.
 * The views and input handling are the loro-extended demo's own.
 */
import "../../client/styles.css"
import type { AutomergeUrl } from "@automerge/automerge-repo/slim"
import { startAutopilot } from "../../client/autopilot"
import { exposeForAutoDiscovery, registerWithDevtools } from "../../client/devtools-registration"
import { requireElement } from "../../client/dom"
import { colorForName } from "../../client/friendly-names"
import { followPointer, trackTyping } from "../../client/local-input"
import { peerNames, readPageOptions } from "../../client/page-options"
import { renderCursors } from "../../client/views/cursors-view"
import { renderHeader, renderStatus } from "../../client/views/header-view"
import { renderMembers } from "../../client/views/members-view"
import { renderNotes } from "../../client/views/notes-view"
import { ROOMS_PATH, type RoomAnswer, SYNC_SOCKET_PATH } from "../shared/room"
import { loadAutomerge } from "./automerge-wasm"
import { channelStates, installDemoApi } from "./demo-api"
import { deviceId } from "./device-id"
import { createPresencePeer, type PresencePeer } from "./presence-peer"
import { membersOf, remoteCursorsOf } from "./presence-snapshot"

const options = readPageOptions(window.location, SYNC_SOCKET_PATH)
const [answer] = await Promise.all([
  fetch(`${ROOMS_PATH}${encodeURIComponent(options.room)}`).then(response => response.json() as Promise<RoomAnswer>),
  loadAutomerge(),
])
const docUrl = answer.url as AutomergeUrl
const device = deviceId()

const peers: PresencePeer[] = peerNames(options).map((name, index) =>
  createPresencePeer({
    syncUrl: options.hubUrl,
    docUrl,
    name,
    color: colorForName(name),
    deviceId: device,
    beforeJoin: repo => {
      if (options.registerWithDevtools) registerWithDevtools(repo, name)
      else if (index === 0) exposeForAutoDiscovery(repo)
    },
    beforeStart: presence => {
      if (options.registerWithDevtools) registerWithDevtools(presence, `${name} presence`)
      else if (index === 0) exposeForAutoDiscovery(presence, "presence")
    },
  }),
)
const [user, ...extras] = peers as [PresencePeer, ...PresencePeer[]]
const localPeerIds = new Set(peers.map(peer => peer.peerId))

// --- page elements -----------------------------------------------------------
const header = requireElement(document, "[data-testid='header']")
const statusBadge = requireElement(document, "[data-testid='connection-status']")
const memberList = requireElement(document, "[data-testid='members']")
const cursorLayer = requireElement(document, "[data-testid='cursor-layer']")
const noteList = requireElement(document, "[data-testid='notes']")
const notesEmpty = requireElement(document, "[data-testid='notes-empty']")
const noteForm = requireElement<HTMLFormElement>(document, "[data-testid='note-form']")
const noteInput = requireElement<HTMLInputElement>(document, "[data-testid='note-input']")
requireElement<HTMLAnchorElement>(document, "[data-testid='more-peers-link']").search =
  `?${new URLSearchParams({ room: options.room, peers: "3" })}`

document.title = `${options.room} · Ephemera automerge demo`
renderHeader(header, { room: options.room, docId: docUrl, localPeers: peers })
user.onStatus(status => renderStatus(statusBadge, status))

const { handle, presence } = await user.joined
const joined = await Promise.all(peers.map(peer => peer.joined))

// --- rendering: everything is drawn from the user's Presence ----------------
let renderQueued = false
function scheduleRender(): void {
  if (renderQueued) return
  renderQueued = true
  queueMicrotask(() => {
    renderQueued = false
    renderMembers(memberList, membersOf(presence, user.peerId, localPeerIds))
    renderCursors(cursorLayer, remoteCursorsOf(presence))
    renderNotes(noteList, notesEmpty, handle.doc()?.notes ?? [])
  })
}
for (const event of ["update", "snapshot", "goodbye", "pruning"] as const) presence.on(event, scheduleRender)
handle.on("change", scheduleRender)
scheduleRender()

// --- input -------------------------------------------------------------------
function addNote(text: string): void {
  const note = text.trim()
  if (!note) return
  handle.change(draft => {
    draft.notes.push(note)
  })
}

followPointer(user)
const stopTyping = trackTyping(
  {
    setCursor: user.setCursor,
    // The user's own typing shows in its member row, which only peers' events redraw.
    setTyping: on => {
      user.setTyping(on)
      scheduleRender()
    },
  },
  noteInput,
)
noteForm.addEventListener("submit", event => {
  event.preventDefault()
  addNote(noteInput.value)
  noteInput.value = ""
  stopTyping()
})
if (options.autopilot) {
  for (const [index, peer] of extras.entries()) startAutopilot(peer, index + 1)
}

// --- test API ----------------------------------------------------------------
installDemoApi({
  ready: Promise.resolve(),
  peers: peers.map((peer, index) => ({
    repo: peer.repo,
    name: peer.name,
    peerId: peer.peerId,
    presence: joined[index]?.presence,
    setCursor: peer.setCursor,
    setTyping: peer.setTyping,
    getStates: channel => channelStates(joined[index]?.presence, peer.peerId, channel),
  })),
  addNote,
  notes: () => handle.doc()?.notes ?? [],
  docId: handle.documentId,
  docUrl,
})
