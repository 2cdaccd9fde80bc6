/// <reference types="vite/client" />

/** The demo hub's WebSocket URL, set by scripts/dev.ts for the demo frame. */
declare const __EPHEMERA_DEV_HUB__: string
