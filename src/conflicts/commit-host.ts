/**
 * The machine a commit was made on, from its message: every machine usually commits under the
 * same identity, so the author says nothing; autosync's messages name the host instead.
 * - `autosync laptop: 2 modified` (a commit after a quiet period, a pull's pre-merge commit,
 *   a resolution)
 * - `autosync: merge origin/main on laptop` (a pull's merge)
 * - `…\n\n(committed by autosync on laptop)` (a commit with the user's own message)
 * Undefined for a commit made by hand: then the author is what there is to show.
 */
export function commitHost(message: string): string | undefined {
  const subject = message.split("\n", 1)[0] ?? "";
  const merge = /^autosync: merge .* on (.+)$/.exec(subject);
  if (merge) return merge[1];
  const plain = /^autosync ([^:]+): /.exec(subject);
  if (plain) return plain[1];
  return /\(committed by autosync on (.+)\)/.exec(message)?.[1];
}
