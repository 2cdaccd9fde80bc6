/** A benchmark figure with its target, printed as a table and written to BENCHMARKS.md. */
export interface Figure {
  /** Which benchmark (e.g. "1. Hook overhead"). */
  bench: string
  what: string
  value: string
  target: string
  met: boolean
}

export function formatTable(figures: readonly Figure[]): string {
  const rows = [
    ["benchmark", "measure", "measured", "target", "met"],
    ...figures.map(f => [f.bench, f.what, f.value, f.target, f.met ? "yes" : "NO"]),
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(row => row[i]!.length)))
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`
  return [line(rows[0]!), `|${widths.map(w => "-".repeat(w + 2)).join("|")}|`, ...rows.slice(1).map(line)].join("\n")
}

export const ratio = (value: number) => `${value.toFixed(3)}x`
export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`
export const perSecond = (value: number) => `${Math.round(value).toLocaleString("en-US")}/s`
