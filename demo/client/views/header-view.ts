import { requireElement } from "../dom"
import type { ConnectionStatus } from "../ws-client-adapter"

export interface HeaderView {
  room: string
  docId: string
  localPeers: ReadonlyArray<{ name: string; color: string }>
}

export function renderHeader(header: HTMLElement, { room, docId, localPeers }: HeaderView): void {
  requireElement(header, "[data-testid='room-name']").textContent = room
  requireElement(header, "[data-testid='doc-id']").textContent = docId
  requireElement(header, "[data-testid='local-peers']").replaceChildren(
    ...localPeers.map(peer => {
      const chip = document.createElement("span")
      chip.className = "peer-chip"
      chip.style.setProperty("--peer-color", peer.color)
      chip.textContent = peer.name
      return chip
    }),
  )
}

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: "connecting…",
  open: "connected",
  closed: "reconnecting…",
}

export function renderStatus(badge: HTMLElement, status: ConnectionStatus): void {
  badge.dataset.status = status
  badge.textContent = STATUS_TEXT[status]
}
