/** What the pointer, the typing tracker and the autopilot drive: a peer's cursor and typing, in either demo. */
export interface CursorPeer {
  setCursor(x: number, y: number): void
  setTyping(on: boolean): void
}
