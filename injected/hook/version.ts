/** The hook's own version, sent in hook/hello (the protocol version travels separately). */
export const HOOK_VERSION = "0.1.0"
