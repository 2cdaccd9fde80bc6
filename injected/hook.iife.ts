;(globalThis as any).__EPHEMERA_DEVTOOLS_HOOK__ = { version: "0" }
