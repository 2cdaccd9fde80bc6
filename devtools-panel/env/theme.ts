/**
 * The panel follows the DevTools theme ("dark" / "default"); as a plain page
 * it follows the system; a theme chosen in the settings overrides both. CSS reads `data-theme` on the root element.
 */
export type Theme = "dark" | "light"

/** The user's choice in the settings wins; "devtools" follows DevTools, else the system. */
export function themeFor(devtoolsThemeName: string | undefined, prefersDark: boolean, choice: "devtools" | Theme = "devtools"): Theme {
  if (choice !== "devtools") return choice
  if (devtoolsThemeName !== undefined && devtoolsThemeName !== "") return devtoolsThemeName === "dark" ? "dark" : "light"
  return prefersDark ? "dark" : "light"
}

export function applyTheme(root: HTMLElement, theme: Theme): void {
  root.dataset.theme = theme
}
