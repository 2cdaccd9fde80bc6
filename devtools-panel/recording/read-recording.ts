/**
 * Reads a recording file off the panel's thread: in a Worker (reader-worker.ts)
 * where there is one, which sends back progress and then the lines in chunks.
 * Aborting terminates the worker on the spot. Where no Worker exists (Node,
 * jsdom) the same decoder runs here instead.
 */
import { blobSource } from "./compression"
import { decodeRecording, type DecodedRecording, type RecordingLimits } from "./decode"
import { RecordingError } from "./errors"
import type { RecordingLine, RecordingMeta } from "./format"
import type { OpenRequest, ReaderMessage } from "./reader-messages"

export interface ReadOptions {
  limits?: Partial<RecordingLimits>
  /** Fraction (0..1) of the file read. */
  onProgress?: (fraction: number) => void
  signal?: AbortSignal
}

let liveReaders = 0

/** Readers (workers) running now: Cancel must leave none (read by end-to-end tests). */
export function liveRecordingReaders(): number {
  return liveReaders
}

export function readRecordingFile(file: Blob, options: ReadOptions = {}): Promise<DecodedRecording> {
  if (typeof Worker !== "function") {
    return decodeRecording(blobSource(file), {
      limits: options.limits,
      acceptCut: true,
      onProgress: fraction => {
        options.signal?.throwIfAborted()
        options.onProgress?.(fraction)
      },
    })
  }
  return readInWorker(file, options)
}

function readInWorker(file: Blob, { limits = {}, onProgress, signal }: ReadOptions): Promise<DecodedRecording> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted()
    const worker = new Worker(new URL("./reader-worker.ts", import.meta.url), { type: "module" })
    liveReaders++
    let ended = false
    const end = () => {
      if (ended) return
      ended = true
      liveReaders--
      worker.terminate()
      signal?.removeEventListener("abort", abort)
    }
    const abort = () => {
      end()
      reject(signal?.reason)
    }
    signal?.addEventListener("abort", abort, { once: true })
    const lines: RecordingLine[] = []
    worker.onmessage = (event: MessageEvent<ReaderMessage>) => {
      const message = event.data
      switch (message.type) {
        case "progress":
          onProgress?.(message.fraction)
          return
        case "lines":
          for (const line of message.lines) lines.push(line)
          return
        case "done":
          end()
          resolve(withCut(message.meta, lines, message.cut))
          return
        case "failed":
          end()
          reject(message.code ? new RecordingError(message.code, message.message) : new Error(message.message))
      }
    }
    worker.onerror = event => {
      event.preventDefault()
      end()
      reject(new Error(`the recording reader stopped: ${event.message || "unknown error"}`))
    }
    worker.postMessage({ type: "open", file, limits } satisfies OpenRequest)
  })
}

function withCut(meta: RecordingMeta, lines: RecordingLine[], cut: DecodedRecording["cut"]): DecodedRecording {
  return cut ? { meta, lines, cut } : { meta, lines }
}
