/**
 * Identifiers for simulated peers and their channels.
 *
 * Peer ids must pass the repo's `validatePeerId`: a decimal u64 without
 * leading zeros (Loro's PeerID). Channel ids share one number space with the
 * app's own channels, whose counter starts at 1 and counts up per channel
 * ever created, so ours start a billion higher, at a random offset so two
 * engines (or reloads of the same hook) do not collide either.
 */

const PEER_ID_PATTERN = /^(0|[1-9]\d*)$/
const CHANNEL_ID_BASE = 1_000_000_000
const CHANNEL_ID_SPREAD = 1_000_000_000

function randomU64(): bigint {
  const bytes = new Uint8Array(8)
  crypto.getRandomValues(bytes)
  return new DataView(bytes.buffer).getBigUint64(0, false)
}

/** A fresh random peer id, different from every id in `taken`. */
export function generateSimulatedPeerId(taken: (id: string) => boolean): string {
  for (;;) {
    // Above 2^32 so it never looks like a small test id; u64 keeps it valid.
    const id = (randomU64() | (1n << 40n)).toString()
    if (PEER_ID_PATTERN.test(id) && !taken(id)) return id
  }
}

/** Hands out channel ids far above the app's own counter. */
export function createChannelIdSource(): () => number {
  const random = new Uint32Array(1)
  crypto.getRandomValues(random)
  let next = CHANNEL_ID_BASE + (random[0]! % CHANNEL_ID_SPREAD)
  return () => next++
}
