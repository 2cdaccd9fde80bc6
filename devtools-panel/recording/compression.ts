/**
 * gzip through the platform's CompressionStream / DecompressionStream (both
 * browsers and Node have them), so no compression code ships with the
 * extension. Both directions work in pieces: a 100 MB recording never sits
 * in memory as one string, and the reader can report progress as it goes.
 */

/** Bytes of a file, read piece by piece (a Blob in the panel, a Uint8Array in tests and the bench). */
export interface ByteSource {
  readonly size: number
  read(start: number, end: number): Promise<Uint8Array<ArrayBuffer>>
}

export function blobSource(blob: Blob): ByteSource {
  // slice().arrayBuffer() rather than blob.stream(): it is everywhere, jsdom included.
  return { size: blob.size, read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()) }
}

export function bytesSource(bytes: Uint8Array<ArrayBuffer>): ByteSource {
  return { size: bytes.length, read: async (start, end) => bytes.subarray(start, end) }
}

/**
 * Compressed bytes read per step: small enough for a smooth progress bar and
 * for the expansion budget to see a bomb early (browsers' decompressors read
 * one step ahead of what they have inflated), and still cheap: opening a
 * 100,000-event recording took no longer than with 512 KB steps.
 */
export const READ_CHUNK_BYTES = 32 * 1024
/** Text gathered before it is handed to the compressor. */
const WRITE_CHUNK_CHARS = 1 << 20

/** gzip of the pieces joined by newlines (each piece one line). */
export async function gzipLines(lines: Iterable<string>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new CompressionStream("gzip")
  const writer = stream.writable.getWriter()
  // Read while writing, or the stream's backpressure would stall the writes.
  const compressed = new Response(stream.readable).arrayBuffer()
  const encoder = new TextEncoder()
  let pending = ""
  for (const line of lines) {
    pending += `${line}\n`
    if (pending.length >= WRITE_CHUNK_CHARS) {
      await writer.write(encoder.encode(pending))
      pending = ""
    }
  }
  if (pending) await writer.write(encoder.encode(pending))
  await writer.close()
  return new Uint8Array(await compressed)
}

/** Thrown by inflateText when the data expands beyond what the compressed bytes read so far allow. */
export class ExpansionLimitError extends Error {
  override readonly name = "ExpansionLimitError"
  constructor(
    readonly limit: number,
    readonly compressedRead: number,
  ) {
    super(`${compressedRead} compressed bytes expand beyond ${limit} bytes`)
  }
}

/** How many inflated bytes the compressed bytes read so far may give. */
export type ExpansionBudget = (compressedRead: number) => number

/**
 * Inflates `source[start, end)` and yields the decoded text in pieces.
 * `onRead` gets the compressed bytes consumed so far. Stops as soon as the
 * inflated bytes pass what `budget` allows for the compressed bytes read so
 * far (ExpansionLimitError): a gzip bomb is refused after a few megabytes of
 * work, not after inflating all of it.
 * Throws what the decompressor throws (damaged or cut data) and a TypeError
 * for bytes that are not UTF-8.
 */
export async function* inflateText(
  source: ByteSource,
  start: number,
  end: number,
  onRead: (bytesRead: number) => void = () => {},
  budget: ExpansionBudget = () => Number.POSITIVE_INFINITY,
): AsyncGenerator<string> {
  let offset = start
  const compressed = new ReadableStream<BufferSource>({
    async pull(controller) {
      if (offset >= end) {
        controller.close()
        return
      }
      const next = Math.min(end, offset + READ_CHUNK_BYTES)
      const chunk = await source.read(offset, next)
      offset = next
      onRead(offset - start)
      controller.enqueue(chunk)
    },
  })
  const reader = compressed.pipeThrough(new DecompressionStream("gzip")).getReader()
  const decoder = new TextDecoder("utf-8", { fatal: true })
  let finished = false
  let inflated = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      inflated += value.byteLength
      const allowed = budget(offset - start)
      if (inflated > allowed) throw new ExpansionLimitError(allowed, offset - start)
      yield decoder.decode(value, { stream: true })
    }
    finished = true
    const rest = decoder.decode()
    if (rest) yield rest
  } finally {
    // A reader that stops early (a bad line) must not leave the pipe reading the rest of the file.
    if (!finished) await reader.cancel().catch(() => {})
  }
}
