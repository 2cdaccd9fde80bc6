import type { CursorPeer } from "./cursor-peer"

const TICK_MS = 50

/**
 * Moves an extra peer's cursor along its own Lissajous figure across the
 * visible part of the page, so a room always has something going on.
 */
export function startAutopilot(peer: CursorPeer, index: number): () => void {
  // Distinct speeds and phases per peer keep the figures from overlapping.
  const speedX = 0.45 + 0.11 * index
  const speedY = 0.7 + 0.07 * index
  const phase = index * 2.1

  const timer = setInterval(() => {
    const t = performance.now() / 1000
    const x = window.scrollX + window.innerWidth * (0.5 + 0.38 * Math.sin(speedX * t + phase))
    const y = window.scrollY + window.innerHeight * (0.5 + 0.36 * Math.sin(speedY * t + phase / 2))
    peer.setCursor(x, y)
  }, TICK_MS)
  return () => clearInterval(timer)
}
