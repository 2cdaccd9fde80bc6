/**
 * Finding Repos the app did not register (and automerge-repo Presence
 * instances, which no repo leads to): on window globals, in React
 * component state and in Vue apps. Each source is bounded and reads only
 * data properties, so a scan costs little and runs no page code.
 */
import { documentOf } from "./page-elements"
import { collectReactRepos } from "./react-fibers"
import { RepoCollector, type DiscoveredRepo } from "./repo-candidates"
import { collectVueRepos } from "./vue-apps"
import { collectWindowRepos } from "./window-globals"

export type { DiscoveredRepo } from "./repo-candidates"
export { resolveRepoPath, type Resolved } from "./repo-path"

export function discoverRepos(root: object): DiscoveredRepo[] {
  const collector = new RepoCollector()
  collectWindowRepos(root, collector)
  const document = documentOf(root)
  if (document) {
    for (const collect of [collectReactRepos, collectVueRepos]) {
      try {
        collect(document, collector)
      } catch {
        // One framework's surprise must not hide the others' repos.
      }
    }
  }
  return collector.found
}
