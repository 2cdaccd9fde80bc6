import { renderKeyed } from "./keyed-children"
import type { MemberView } from "./room-snapshot"

export function renderMembers(list: HTMLElement, members: readonly MemberView[]): void {
  renderKeyed(list, members, member => member.peerId, createMember, updateMember)
}

function createMember(): HTMLElement {
  const item = document.createElement("li")
  item.className = "member"
  item.dataset.testid = "member"
  item.innerHTML = `<span class="swatch"></span><span class="member-name"></span><span class="member-tag"></span>`
  return item
}

/** Writes only what changed: the list re-renders whenever any cursor moves. */
function updateMember(item: HTMLElement, member: MemberView): void {
  if (item.dataset.peerId !== member.peerId) item.dataset.peerId = member.peerId
  if (item.dataset.color !== member.color) {
    item.dataset.color = member.color
    item.style.setProperty("--peer-color", member.color)
  }
  setText(item, ".member-name", member.name)
  setText(item, ".member-tag", member.isSelf ? "you" : member.local ? "this tab" : "")

  const indicator = item.querySelector<HTMLElement>("[data-testid='typing-indicator']")
  if (member.typing && !indicator) {
    const typing = document.createElement("span")
    typing.className = "typing-indicator"
    typing.dataset.testid = "typing-indicator"
    typing.title = `${member.name} is typing`
    typing.innerHTML = `typing<span class="dots"><i></i><i></i><i></i></span>`
    item.append(typing)
  } else if (!member.typing && indicator) {
    indicator.remove()
  }
}

function setText(root: HTMLElement, selector: string, text: string): void {
  const element = root.querySelector(selector)
  if (element && element.textContent !== text) element.textContent = text
}
