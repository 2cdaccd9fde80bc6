import { docIdForRoom } from "../shared/room"
import { startAutopilot } from "./autopilot"
import { installDemoApi } from "./demo-api"
import { exposeForAutoDiscovery, registerWithDevtools } from "./devtools-registration"
import { requireElement } from "./dom"
import { colorForName } from "./friendly-names"
import { followPointer, trackTyping } from "./local-input"
import { peerNames, readPageOptions } from "./page-options"
import { createRoomPeer, type RoomPeer } from "./room-peer"
import { renderCursors } from "./views/cursors-view"
import { renderHeader, renderStatus } from "./views/header-view"
import { renderMembers } from "./views/members-view"
import { renderNotes } from "./views/notes-view"
import { membersOf, notesOf, remoteCursorsOf, serversOf } from "./views/room-snapshot"
import { renderServers } from "./views/servers-view"

const options = readPageOptions(window.location)
const docId = docIdForRoom(options.room)

const peers: RoomPeer[] = peerNames(options).map((name, index) =>
  createRoomPeer({
    hubUrl: options.hubUrl,
    room: options.room,
    name,
    color: colorForName(name),
    type: index === 0 ? "user" : "bot",
    beforeJoin: repo => {
      if (options.registerWithDevtools) registerWithDevtools(repo, name)
      else if (index === 0) exposeForAutoDiscovery(repo)
    },
  }),
)
const [user, ...extras] = peers as [RoomPeer, ...RoomPeer[]]
const localPeerIds = new Set(peers.map(peer => peer.peerId))

// --- page elements -----------------------------------------------------------
const header = requireElement(document, "[data-testid='header']")
const statusBadge = requireElement(document, "[data-testid='connection-status']")
const memberList = requireElement(document, "[data-testid='members']")
const serverList = requireElement(document, "[data-testid='servers']")
const cursorLayer = requireElement(document, "[data-testid='cursor-layer']")
const noteList = requireElement(document, "[data-testid='notes']")
const notesEmpty = requireElement(document, "[data-testid='notes-empty']")
const noteForm = requireElement<HTMLFormElement>(document, "[data-testid='note-form']")
const noteInput = requireElement<HTMLInputElement>(document, "[data-testid='note-input']")
requireElement<HTMLAnchorElement>(document, "[data-testid='more-peers-link']").search =
  `?${new URLSearchParams({ room: options.room, peers: "3" })}`

document.title = `${options.room} · Ephemera demo`
renderHeader(header, { room: options.room, docId, localPeers: peers })
user.onStatus(status => renderStatus(statusBadge, status))

// --- rendering: everything is drawn from the user's point of view -----------
// Coalesced into one pass per task; not requestAnimationFrame, which stalls in
// background tabs and would leave e2e tabs stale.
let renderQueued = false
function scheduleRender(): void {
  if (renderQueued) return
  renderQueued = true
  queueMicrotask(() => {
    renderQueued = false
    renderMembers(memberList, membersOf(user.handle, localPeerIds))
    renderServers(serverList, serversOf(user.handle))
    renderCursors(cursorLayer, remoteCursorsOf(user.handle))
    renderNotes(noteList, notesEmpty, notesOf(user.handle))
  })
}
// The stores' own change events, not the typed `subscribe`: that one reads
// every value back (getAllStates) on each event, and the repo's heartbeat
// re-stamps the keys one by one, so with n peers in the room a typed
// subscriber costs n x n value conversions per heartbeat. Rendering only
// needs to know that something changed.
user.handle.presence.raw.subscribe(scheduleRender)
user.handle.cursor.raw.subscribe(scheduleRender)
user.handle.typing.raw.subscribe(scheduleRender)
user.handle.subscribe(scheduleRender)
scheduleRender()

// --- input -------------------------------------------------------------------
function addNote(text: string): void {
  const note = text.trim()
  if (!note) return
  user.handle.change(draft => {
    draft.notes.push(note)
  })
}

followPointer(user)
const stopTyping = trackTyping(user, noteInput)
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
  ready: Promise.all(peers.map(peer => peer.synced)).then(() => undefined),
  peers: peers.map(({ repo, name, peerId, handle, setCursor, burstCursor, setTyping, getStates }) => ({
    repo,
    name,
    peerId,
    handle,
    setCursor,
    burstCursor,
    setTyping,
    getStates,
  })),
  addNote,
  notes: () => notesOf(user.handle),
  docId,
})
