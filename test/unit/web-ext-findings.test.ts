/**
 * The check of `web-ext lint`'s findings (scripts/web-ext-findings.ts): only
 * warnings the store docs justify pass, and a justification outliving its
 * warning fails too, on made-up reports and on the real docs.
 */
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { describe, expect, it } from "vitest"
import { justifiedCodes, type LintReport, unjustifiedFindings } from "../../scripts/web-ext-findings"

const evalWarning = { code: "DANGEROUS_EVAL", message: "The Function constructor is eval.", file: "assets/browser-x.js" }
const report = (parts: Partial<LintReport>): LintReport => ({ errors: [], notices: [], warnings: [], ...parts })

const doc = `# Store submission

## \`web-ext lint\`

No errors. One warning, kept on purpose:

- **DANGEROUS_EVAL** (\`The Function constructor is eval\`): why.

Svelte's templates used to set \`innerHTML\` (UNSAFE_VAR_ASSIGNMENT); no more.

## Permissions

- **NOT_A_LINT_CODE** elsewhere in the doc.
`

describe("web-ext lint findings", () => {
  it("reads the justified codes of the web-ext lint section only", () => {
    expect([...justifiedCodes(doc)]).toEqual(["DANGEROUS_EVAL"])
  })

  it("passes a report with only justified warnings", () => {
    expect(unjustifiedFindings(report({ warnings: [evalWarning] }), justifiedCodes(doc))).toEqual([])
  })

  it("fails on an unjustified warning, and on any error or notice", () => {
    const problems = unjustifiedFindings(
      report({
        errors: [{ code: "MANIFEST_FIELD_INVALID", message: "bad", file: "manifest.json" }],
        notices: [{ code: "SOME_NOTICE", message: "note" }],
        warnings: [evalWarning, { code: "UNSAFE_VAR_ASSIGNMENT", message: "innerHTML", file: "assets/panel.js" }],
      }),
      justifiedCodes(doc),
    )
    expect(problems).toEqual([
      "error MANIFEST_FIELD_INVALID in manifest.json: bad",
      "notice SOME_NOTICE in ?: note",
      "warning UNSAFE_VAR_ASSIGNMENT in assets/panel.js: innerHTML (not justified in docs/stores.md)",
    ])
  })

  it("fails when the docs justify a warning no longer reported", () => {
    expect(unjustifiedFindings(report({}), justifiedCodes(doc))).toEqual([
      "docs/stores.md justifies DANGEROUS_EVAL, which web-ext lint no longer reports: remove it there",
    ])
  })

  it("finds the justification in the real store docs", () => {
    const stores = readFileSync(resolve(import.meta.dirname, "../../docs/stores.md"), "utf8")
    expect([...justifiedCodes(stores)]).toEqual(["DANGEROUS_EVAL"])
  })
})
