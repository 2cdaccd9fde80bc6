/**
 * Reading and driving elements of a page or the panel through evaluate(),
 * so the same steps work in both browsers and in the panel inside Firefox's
 * toolbox (which no driver can click in). Select by data-testid.
 */
import type { Evaluator } from "./session"

/** `[data-testid="id"]`, optionally followed by more selector text (`[data-kind="x"]`, ` input`). */
export function testId(id: string, more = ""): string {
  return `[data-testid="${id}"]${more}`
}

export function count(page: Evaluator, selector: string): Promise<number> {
  return page.evaluate((sel: string) => document.querySelectorAll(sel).length, selector)
}

/** The first match's text, or null when nothing matches. */
export function text(page: Evaluator, selector: string): Promise<string | null> {
  return page.evaluate((sel: string) => document.querySelector(sel)?.textContent ?? null, selector)
}

/** An attribute of the first match, or null. */
export function attribute(page: Evaluator, selector: string, name: string): Promise<string | null> {
  return page.evaluate(({ sel, attr }: { sel: string; attr: string }) => document.querySelector(sel)?.getAttribute(attr) ?? null, {
    sel: selector,
    attr: name,
  })
}

/** Whether the first match is rendered (in the layout and not hidden). */
export function isVisible(page: Evaluator, selector: string): Promise<boolean> {
  return page.evaluate((sel: string) => {
    const element = document.querySelector(sel)
    return element !== null && element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden"
  }, selector)
}

/** Every match's data attributes, and its text as `text`. */
export function datasets(page: Evaluator, selector: string): Promise<Array<Record<string, string | undefined>>> {
  return page.evaluate(
    (sel: string) =>
      [...document.querySelectorAll<HTMLElement>(sel)].map(element => ({ ...element.dataset, text: element.textContent ?? "" })),
    selector,
  )
}

/** Clicks the first match with a DOM click; fails when nothing matches. */
export async function domClick(page: Evaluator, selector: string): Promise<void> {
  const found = await page.evaluate((sel: string) => {
    const element = document.querySelector<HTMLElement>(sel)
    element?.click()
    return element !== null
  }, selector)
  if (!found) throw new Error(`nothing to click at ${selector}`)
}

/**
 * Sets an input, select or textarea the way typing or choosing would: it
 * takes focus, gets the value, and fires input and change (Svelte listens to
 * either).
 */
export async function fill(page: Evaluator, selector: string, value: string): Promise<void> {
  const found = await page.evaluate(
    ({ sel, next }: { sel: string; next: string }) => {
      const element = document.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(sel)
      if (!element) return false
      element.focus()
      element.value = next
      element.dispatchEvent(new Event("input", { bubbles: true }))
      element.dispatchEvent(new Event("change", { bubbles: true }))
      return true
    },
    { sel: selector, next: value },
  )
  if (!found) throw new Error(`no field at ${selector}`)
}
