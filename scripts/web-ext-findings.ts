/**
 * `web-ext lint` of the Firefox build may report only the warnings
 * docs/stores.md justifies: each is a bullet there starting with its code in
 * bold, under "## `web-ext lint`". Any error or notice, any other warning,
 * and a justification for a warning no longer reported (the docs would be
 * stale) fail. `npm run lint` runs it after the build.
 *
 *   tsx scripts/web-ext-findings.ts [firefoxBuildDir]
 */
import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { promisify } from "node:util"

export interface LintFinding {
  code: string
  message: string
  file?: string
}

/** The parts of `web-ext lint --output json` read here. */
export interface LintReport {
  errors: LintFinding[]
  notices: LintFinding[]
  warnings: LintFinding[]
}

/** The warning codes the docs justify, from their "## `web-ext lint`" section. */
export function justifiedCodes(storesDoc: string): Set<string> {
  const section = /^## `web-ext lint`\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(storesDoc)?.[1] ?? ""
  return new Set([...section.matchAll(/^- \*\*([A-Z_]+)\*\*/gm)].map(match => match[1]!))
}

/** What is wrong with a report given the justified codes, in words; empty when nothing is. */
export function unjustifiedFindings(report: LintReport, justified: ReadonlySet<string>): string[] {
  const line = (kind: string, finding: LintFinding) => `${kind} ${finding.code} in ${finding.file ?? "?"}: ${finding.message}`
  const problems = [
    ...report.errors.map(finding => line("error", finding)),
    ...report.notices.map(finding => line("notice", finding)),
    ...report.warnings
      .filter(finding => !justified.has(finding.code))
      .map(finding => `${line("warning", finding)} (not justified in docs/stores.md)`),
  ]
  const reported = new Set(report.warnings.map(finding => finding.code))
  for (const code of justified) {
    if (!reported.has(code)) problems.push(`docs/stores.md justifies ${code}, which web-ext lint no longer reports: remove it there`)
  }
  return problems
}

async function lintReport(sourceDir: string): Promise<LintReport> {
  const webExt = resolve(import.meta.dirname, "../node_modules/.bin/web-ext")
  // web-ext exits non-zero when it finds errors; the report is on stdout either way.
  const stdout = await promisify(execFile)(webExt, ["lint", "--source-dir", sourceDir, "--output", "json"], {
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    result => result.stdout,
    (error: { stdout?: string }) => error.stdout ?? "",
  )
  try {
    return JSON.parse(stdout) as LintReport
  } catch {
    throw new Error(`web-ext lint gave no JSON report:\n${stdout}`)
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(import.meta.dirname, "..")
  const sourceDir = resolve(process.argv[2] ?? resolve(root, process.env.EPHEMERA_DIST ?? "dist", "firefox"))
  const problems = unjustifiedFindings(await lintReport(sourceDir), justifiedCodes(readFileSync(resolve(root, "docs/stores.md"), "utf8")))
  for (const problem of problems) console.error(`✗ ${problem}`)
  if (problems.length > 0) process.exit(1)
  console.log("web-ext lint: only the warnings docs/stores.md justifies")
}
