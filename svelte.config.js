import { vitePreprocess } from "@sveltejs/vite-plugin-svelte"

export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Build each component's DOM element by element instead of parsing an
    // innerHTML template: the panel then assigns no innerHTML at all, which
    // store reviewers (web-ext lint's UNSAFE_VAR_ASSIGNMENT) look for.
    fragments: "tree",
  },
}
