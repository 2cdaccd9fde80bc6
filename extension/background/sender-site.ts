/**
 * Which site a content script's tab shows, from the browser's own record of
 * the sender (never from what the page or the relay says): the origin of the
 * top frame's url, and the browsing session the tab belongs to. A room across
 * tabs only ever groups tabs of one site.
 *
 * Another browser profile runs its own copy of the extension (its own
 * background, its own tab ids): nothing of it reaches this one. Private
 * windows are different: Chrome's default "spanning" incognito mode and
 * Firefox (which has only that mode) run ONE background for normal and
 * private tabs, so the session tells them apart here; so does a Firefox
 * container (cookieStoreId), which keeps its own cookies and logins.
 */
export interface Site {
  origin: string
  /** "normal" or "private", and the cookie store. */
  session: string
}

/** The slice of runtime.MessageSender this reads. */
export interface SenderLike {
  url?: string
  tab?: { incognito?: boolean; cookieStoreId?: string }
}

export function siteOf(sender: SenderLike | undefined): Site | undefined {
  if (typeof sender?.url !== "string") return undefined
  let origin: string
  try {
    origin = new URL(sender.url).origin
  } catch {
    return undefined
  }
  // Opaque origins (file:, data:, sandboxed pages) are equal to nothing, not even themselves.
  if (origin === "null") return undefined
  const mode = sender.tab?.incognito === true ? "private" : "normal"
  return { origin, session: `${mode}:${sender.tab?.cookieStoreId ?? "default"}` }
}

export function sameSite(a: Site | undefined, b: Site | undefined): boolean {
  return a !== undefined && b !== undefined && a.origin === b.origin && a.session === b.session
}
