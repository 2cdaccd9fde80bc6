/**
 * An app that creates its repo after the page has loaded (as after a fetch)
 * and keeps it two objects deep, where discovery does not look: reachable
 * only by attaching `session.current.repo` by expression.
 */
import { createRepo, markReady } from "../shared"

function createLate(): void {
  requestAnimationFrame(() => {
    const repo = createRepo("late-peer")
    ;(window as unknown as { session: unknown }).session = { current: { repo } }
    markReady(document.getElementById("root")!, repo)
  })
}

// Firefox runs the page's load event while loro's synchronous wasm fetch
// (on importing shared) is still under way, so by the time this module runs
// the page may have loaded already; a load listener alone would never fire.
if (document.readyState === "complete") createLate()
else addEventListener("load", createLate)
