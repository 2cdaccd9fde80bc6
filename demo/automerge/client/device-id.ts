const KEY = "ephemera-demo-device"

/**
 * This browser's id for the demo, kept in localStorage: Presence in 2.x knows
 * peers (one per repo, new on every load) but not devices, so the demo carries
 * the device in its `user` channel, as apps on automerge-repo do.
 */
export function deviceId(): string {
  try {
    const stored = localStorage.getItem(KEY)
    if (stored) return stored
    const created = `device-${crypto.randomUUID().slice(0, 8)}`
    localStorage.setItem(KEY, created)
    return created
  } catch {
    // Storage can be off (private windows, policies): one id per load then.
    return `device-${Math.random().toString(36).slice(2, 10)}`
  }
}
