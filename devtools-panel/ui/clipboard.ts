/**
 * Copy to the clipboard. The async Clipboard API is refused inside a DevTools
 * panel frame in Chromium (no focus / permission policy), so fall back to a
 * hidden textarea and execCommand("copy"), which still works there.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    // Fall through to the textarea.
  }
  const area = document.createElement("textarea")
  area.value = text
  area.setAttribute("readonly", "")
  area.style.position = "fixed"
  area.style.opacity = "0"
  document.body.append(area)
  area.select()
  try {
    return typeof document.execCommand === "function" && document.execCommand("copy")
  } catch {
    return false
  } finally {
    area.remove()
  }
}

/** Pretty JSON for humans pasting into an issue; summaries stay as the hook sent them. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "undefined"
}
