/**
 * The machine that made a commit, read back from the message autosync wrote (see
 * commit-message.ts and the merge message in operations-messages.ts). Every machine usually
 * commits under the same user identity, so the message is the only place the machine is named.
 *
 * - `autosync <host>: 3 added, 1 modified` (automatic commits, pre-pull commits, restores)
 * - `<user message>` … `(committed by autosync on <host>)` (a message typed by the user)
 * - `autosync: merge <ref> on <host>` (a pull that merged)
 *
 * Anything else was committed by hand: undefined, and the caller shows the author.
 */
export function hostOfCommitMessage(message: string): string | undefined {
  const lines = message.split("\n");
  const subject = lines[0] ?? "";
  const automatic = /^autosync ([^\s:]+): /.exec(subject);
  if (automatic) return automatic[1];
  const merge = /^autosync: merge .* on (\S+)$/.exec(subject);
  if (merge) return merge[1];
  for (const line of lines.slice(1)) {
    const byUser = /^\(committed by autosync on (\S+)\)$/.exec(line);
    if (byUser) return byUser[1];
  }
  return undefined;
}
