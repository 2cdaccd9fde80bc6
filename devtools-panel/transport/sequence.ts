/**
 * What a page batch's seq says, given the last one applied. A hook numbers
 * its batches from 0 per page load; the number travels beside the batch
 * text from the private channel on, so nothing a page writes can set it.
 * Still, a number is only believed as far as real losses can explain it:
 * batches the relay discarded (it says how many, `skipped`) plus a few that
 * die with a stopped service worker. A jump beyond that, either way, is a
 * new numbering (a reset), never billions of losses, and the batches after
 * it are not refused as repeats.
 */

/** Batches that can go missing without the relay knowing (in flight when a service worker stops). */
export const MAX_UNEXPLAINED_GAP = 1_000

export type SeqVerdict =
  /** The next batch, or the first one. */
  | { kind: "next" }
  /** `lost` batches are missing before this one. */
  | { kind: "gap"; lost: number }
  /** At or shortly before the last one: a repeat, not to be applied twice. */
  | { kind: "repeat" }
  /** A jump no real loss explains: a new numbering starts here. */
  | { kind: "reset" }

export function judgeSeq(last: number | undefined, seq: number, skipped = 0): SeqVerdict {
  if (last === undefined) return { kind: "next" }
  const step = seq - last
  if (step === 1) return { kind: "next" }
  if (step > 1) return step - 1 <= skipped + MAX_UNEXPLAINED_GAP ? { kind: "gap", lost: step - 1 } : { kind: "reset" }
  return -step > MAX_UNEXPLAINED_GAP ? { kind: "reset" } : { kind: "repeat" }
}
