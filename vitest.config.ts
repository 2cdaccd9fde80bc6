import { svelte } from "@sveltejs/vite-plugin-svelte"
import { defineConfig } from "vitest/config"

export default defineConfig({
  plugins: [svelte()],
  // The unit and component tests use the test seams (build-flags.d.ts).
  define: { __EPHEMERA_TEST_SEAMS__: "true" },
  resolve: {
    // Node cannot load loro's browser build; tests use the nodejs one.
    alias: [{ find: /^loro-crdt$/, replacement: "loro-crdt/nodejs" }],
    conditions: ["browser"],
  },
  test: {
    include: ["test/unit/**/*.test.ts", "test/component/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
  },
})
