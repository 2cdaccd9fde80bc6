/**
 * Cuts streamed text into lines without re-reading or re-joining what it
 * already holds: the unfinished line is kept as pieces and joined once, when
 * its newline arrives. (Appending every piece to one string and searching
 * it made the engine flatten the whole unfinished line per piece: quadratic,
 * 13 s for one 16 MB line of a gzip bomb.)
 */
export class LineSplitter {
  #pieces: string[] = []
  #chars = 0

  /** Chars of the line not finished yet. */
  get pending(): number {
    return this.#chars
  }

  /** Calls `onLine` for every line `text` finishes, in order. */
  push(text: string, onLine: (line: string) => void): void {
    let from = 0
    for (let newline = text.indexOf("\n"); newline >= 0; newline = text.indexOf("\n", from)) {
      this.#pieces.push(text.slice(from, newline))
      const line = this.#pieces.length === 1 ? this.#pieces[0]! : this.#pieces.join("")
      this.#pieces = []
      this.#chars = 0
      onLine(line)
      from = newline + 1
    }
    if (from < text.length) {
      this.#pieces.push(from === 0 ? text : text.slice(from))
      this.#chars += text.length - from
    }
  }
}
