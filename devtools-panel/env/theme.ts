/**
 * The panel follows the DevTools theme ("dark" / "default"); as a plain page
 * it follows the system. CSS reads `data-theme` on the root element.
 */
export type Theme = "dark" | "light"

export function themeFor(devtoolsThemeName: string | undefined, prefersDark: boolean): Theme {
  if (devtoolsThemeName !== undefined && devtoolsThemeName !== "") return devtoolsThemeName === "dark" ? "dark" : "light"
  return prefersDark ? "dark" : "light"
}

export function applyTheme(root: HTMLElement, theme: Theme): void {
  root.dataset.theme = theme
}
