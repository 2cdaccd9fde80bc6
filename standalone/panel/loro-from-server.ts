/**
 * loro-crdt for the standalone panel page, which the panel's Log loads on
 * first use to check frames (devtools-panel/log/loro-check.ts): the build
 * points `loro-crdt` here. The page takes loro's web build from the server,
 * which serves the app's own installed copy (a peer dependency), instead of
 * shipping a 3.6 MB second one in the package.
 */
/** index.js re-exports the WASM init as its default; its .d.ts does not say so. */
type LoroWeb = typeof import("loro-crdt/web") & { default: () => Promise<unknown> }

/** Where the standalone server mounts loro-crdt's web build. */
const LORO_WEB = "/vendor/loro-crdt/web/index.js"

const loro = (await import(/* @vite-ignore */ LORO_WEB)) as LoroWeb
await loro.default()

export const EphemeralStore = loro.EphemeralStore
