/// <reference types="vite/client" />
import { initializeWasm } from "@automerge/automerge-repo/slim"
import wasmUrl from "@automerge/automerge/automerge.wasm?url"

/**
 * automerge's wasm, fetched as a file and compiled while it streams in. The
 * library's default browser entry imports the .wasm as an ES module (which
 * needs a bundler plugin), and its base64 entry compiles 3.6 MB synchronously
 * on the main thread: seconds before the page responds. So the page uses the
 * slim entries everywhere and starts automerge here, before any Repo exists.
 */
export function loadAutomerge(): Promise<void> {
  return initializeWasm(wasmUrl)
}
