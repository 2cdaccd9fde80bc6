/** One lost item as the status bar names it: "alice: store presence/peer-1, 5.0 MB". */
import type { LostItem } from "../../protocol/messages"
import { formatBytes } from "../values/format"
import type { RepoState } from "../state/panel-state"

export function describeLost(item: LostItem, repos: ReadonlyMap<string, RepoState>): string {
  const repo = repos.get(item.repoId)?.info.label ?? (item.repoId || "the page")
  const keys = item.keys && item.keys.length > 0 ? ` ${item.keys.join(", ")}` : ""
  return `${repo}: ${item.kind}${keys}, ${formatBytes(item.size)}`
}
