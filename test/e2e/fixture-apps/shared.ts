/** What the fixture apps share: a repo as an app creates one, and a sign for tests that the app is up. */
import { Repo } from "@loro-extended/repo"

export function createRepo(name: string): Repo {
  return new Repo({ identity: { name, type: "user" } })
}

/** Tests wait for this attribute, then read the peer id the page's repo got. */
export function markReady(element: Element, repo: Repo): void {
  element.setAttribute("data-peer-id", String(repo.identity.peerId))
}
