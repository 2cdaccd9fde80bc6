/**
 * An app that creates its repo after the page has loaded (as after a fetch)
 * and keeps it two objects deep, where discovery does not look: reachable
 * only by attaching `session.current.repo` by expression.
 */
import { createRepo, markReady } from "../shared"

addEventListener("load", () => {
  requestAnimationFrame(() => {
    const repo = createRepo("late-peer")
    ;(window as unknown as { session: unknown }).session = { current: { repo } }
    markReady(document.getElementById("root")!, repo)
  })
})
