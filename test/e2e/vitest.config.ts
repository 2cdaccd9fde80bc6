import { defineConfig } from "vitest/config"

/**
 * End-to-end tests: the built extension (dist/) in real Chromium and real
 * Firefox ESR against the demo app and its hub on 127.0.0.1. One file at a
 * time: each launches its own browser, and the machine has two cores.
 */
export default defineConfig({
  resolve: { alias: [{ find: /^loro-crdt$/, replacement: "loro-crdt/nodejs" }] },
  test: {
    root: import.meta.dirname,
    include: ["**/*.e2e.ts"],
    globalSetup: ["./global-setup.ts"],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // A browser that fails to start is retried once; an assertion is not.
    retry: 0,
  },
})
