/**
 * When the page is about to go away, while its sockets can still send:
 * simulated peers must leave with it, their tombstones on the wire first.
 *
 * `pagehide` alone comes too late in Firefox: on a reload or navigation it
 * closes the page's WebSockets before `pagehide` fires (after
 * `beforeunload`), so tombstones sent then never leave and the peers stay
 * in every other tab. `beforeunload` fires while they are open. Only pages
 * that simulate listen (a `beforeunload` listener can keep Firefox from
 * keeping the page in its back/forward cache); if another listener cancels
 * the navigation, the peers are gone and the Simulate view says so.
 */
export function onPageLeave(target: Pick<EventTarget, "addEventListener">, listener: () => void): void {
  target.addEventListener("beforeunload", listener)
  target.addEventListener("pagehide", listener)
}
