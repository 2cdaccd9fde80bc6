/**
 * The source archive addons.mozilla.org asks for when the add-on's code is
 * bundled: every file the repository tracks, as it is in the working tree
 * the packages were built from, in a .tar.gz (GNU tar, entries sorted, fixed
 * owner and times, so the same tree gives the same archive).
 * docs/building-from-source.md, inside it, says how to rebuild the
 * extension files byte for byte.
 */
import { execFileSync } from "node:child_process"

export function writeSourceArchive(root: string, archive: string): string[] {
  let files: string[]
  try {
    files = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean)
  } catch (error) {
    throw new Error(`The source archive lists the files git tracks, and ${root} is not a git checkout: ${String(error)}`)
  }
  // The time of the last commit, so an unchanged tree gives the same bytes.
  const mtime = execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: root, encoding: "utf8" }).trim()
  execFileSync(
    "tar",
    // gzip -n: no file name or time in the gzip header either.
    [
      "--create",
      "--use-compress-program=gzip -n",
      "--file",
      archive,
      "--sort=name",
      `--mtime=@${mtime}`,
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--null",
      "--files-from=-",
    ],
    { cwd: root, input: files.join("\0") },
  )
  return files
}
