/**
 * The stores' listing text, made from what the repository already says so
 * it stays current: the summary is the manifest's description, the feature
 * list is README's "What the panel shows", the privacy part is
 * docs/privacy.md. Plain text: neither store renders Markdown links.
 */
import { readFileSync } from "node:fs"
import { resolve } from "node:path"

export interface ListingText {
  /** Chrome Web Store allows 132 characters, addons.mozilla.org 250. */
  summary: string
  description: string
  privacy: string
}

export const SUMMARY_LIMIT = 132

export function listingText(root: string): ListingText {
  const manifest = JSON.parse(readFileSync(resolve(root, "manifest.json"), "utf8")) as { description: string }
  const readme = readFileSync(resolve(root, "README.md"), "utf8")
  // The bullets only: the paragraph after them points into the repository.
  const features = section(readme, "What the panel shows").split(/\n\n(?!- )/)[0]!
  const usage = section(readme, "Using it in your app")
  const snippet = /```ts\n([^\n]+)\n```/.exec(usage)?.[1]
  if (!snippet) throw new Error(`README.md's "Using it in your app" has no one-line snippet for the listing`)
  const privacy = readFileSync(resolve(root, "docs/privacy.md"), "utf8")
  if (manifest.description.length > SUMMARY_LIMIT) {
    throw new Error(
      `manifest.json's description has ${manifest.description.length} characters; the Chrome Web Store takes ${SUMMARY_LIMIT}`,
    )
  }
  const description = [
    manifest.description,
    "Open DevTools on a page that uses @loro-extended/repo and pick the Ephemera tab.",
    plain(features),
    `${plain(usage.split("\n\n")[0]!)} ${snippet}`,
    "Everything stays on your machine: the extension reads the inspected page's repos only while its panel is open, and sends nothing anywhere.",
  ].join("\n\n")
  return { summary: manifest.description, description, privacy: plain(privacy.replace(/^# .*\n+/, "")) }
}

/** The text under a `## title` heading, up to the next one. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`## ${title}\n`)
  if (start < 0) throw new Error(`README.md has no "## ${title}" section for the listing`)
  const body = markdown.slice(start + title.length + 4)
  const next = body.search(/^## /m)
  return (next < 0 ? body : body.slice(0, next)).trim()
}

/** Markdown to the plain text a store shows: no emphasis, links as their text, list items as bullets. */
function plain(markdown: string): string {
  return (
    markdown
      // A parenthesis that only links into the repository says nothing in a store.
      .replace(/\s+\(\[[^\]]+\]\([^)]+\)\)/g, "")
      .replace(/\[([^\]]+)\]\([^)]+\)/g, "$1")
      .replace(/\*\*([^*]+)\*\*/g, "$1")
      .replace(/`([^`]+)`/g, "$1")
      .replace(/^- /gm, "• ")
      // Wrapped lines, indented or not, join their paragraph or bullet.
      .replace(/\n[ \t]+(?=\S)/g, " ")
      .replace(/([^\n])\n(?![\n•])/g, "$1 ")
  )
}
