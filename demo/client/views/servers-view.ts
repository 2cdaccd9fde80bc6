import { renderKeyed } from "./keyed-children"
import type { ServerView } from "./room-snapshot"

/**
 * The room's server line: what the hub publishes as its own presence. Its
 * numbers are also kept in `data-clients`/`data-notes` (tests read those).
 */
export function renderServers(list: HTMLElement, servers: readonly ServerView[]): void {
  renderKeyed(list, servers, server => server.peerId, createServer, updateServer)
}

function createServer(): HTMLElement {
  const item = document.createElement("li")
  item.className = "server"
  item.dataset.testid = "server-status"
  return item
}

function updateServer(item: HTMLElement, server: ServerView): void {
  item.dataset.peerId = server.peerId
  item.dataset.clients = String(server.clients)
  item.dataset.notes = String(server.notes)
  const text = `${server.name}: ${plural(server.clients, "client")}, ${plural(server.notes, "note")}`
  if (item.textContent !== text) item.textContent = text
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`
}
