import type { OperationRequest } from "../engine/operation.js";
import {
  electMerger,
  isMailboxRefLine,
  mailboxHost,
  mailboxName,
  mailboxOnly,
  mailboxRef,
  MAILBOX_NAMESPACE,
  MAILBOX_PLACEHOLDER,
  withoutMailbox,
} from "./git-mailbox.js";
import type { RecipeCommands } from "./recipe-commands.js";

type PullRequest = Extract<OperationRequest, { kind: "pull" }>;

/** A mailbox the elected merger merges after main. */
export interface MailToMerge {
  ref: string;
  /** Shown in the merge message. */
  label: string;
  /** Names the conflict copies of that mailbox's versions. */
  host: string;
}

export interface MailboxDecision {
  /** Another clone merges: this pull merges nothing. */
  deferTo?: string;
  /**
   * Main already holds this clone's head (a merger merged its mailbox): no merge is needed,
   * the pull is a fast-forward.
   */
  headInMain?: true;
  /** This clone merges: these after main, in this order. */
  mergeAlso: MailToMerge[];
}

const SERIAL: MailboxDecision = { mergeAlso: [] };
const IN_MAIN: MailboxDecision = { mergeAlso: [], headInMain: true };

/**
 * The git operations' side of the mailboxes (git-mailbox.ts): the name the push sends, how the
 * push's porcelain output is judged, and the election a pull that must merge holds. A recipe
 * whose push has no `{mailbox}`, or that has no `mailboxes` command, keeps the serial rounds.
 */
export class MailboxDesk {
  private cached: string | undefined;

  constructor(
    private readonly git: RecipeCommands,
    private readonly host: string,
    private readonly gitDir: () => Promise<string>,
  ) {}

  private get inUse(): boolean {
    return this.git.recipe.commands.push?.some((arg) => arg.includes(MAILBOX_PLACEHOLDER)) ?? false;
  }

  /** This working copy's mailbox, or undefined when the push sends none. */
  async name(): Promise<string | undefined> {
    if (!this.inUse) return undefined;
    this.cached ??= await mailboxName(await this.gitDir(), this.host);
    return this.cached;
  }

  withoutMailbox(argv: readonly string[]): string[] {
    return withoutMailbox(this.git.recipe.commands.push ?? [], argv);
  }

  mainLines(refLines: readonly string[]): string[] {
    return refLines.filter((line) => !isMailboxRefLine(line));
  }

  /** Pushes HEAD to this clone's mailbox only; true when the remote took it. */
  private async mail(remote: string, own: string): Promise<boolean> {
    const template = this.git.recipe.commands.push ?? [];
    const argv = mailboxOnly(
      template,
      this.git.argv("push", { remote, remoteBranch: "", branch: "", mailbox: own }),
    );
    if (argv === undefined) return false;
    const result = await this.git.runArgv(argv, { network: true });
    return !result.failed;
  }

  /** The push failed only because the remote refused the mailbox: main went through. */
  onlyMailboxFailed(stdout: string, mainLines: readonly string[]): boolean {
    if (mainLines.length === 0 || mainLines.some((line) => line.startsWith("!"))) return false;
    return stdout.split("\n").some((line) => line.startsWith("!\t") && isMailboxRefLine(line));
  }

  /**
   * Called when main has commits this clone lacks. When this clone also has commits main lacks
   * (a merge is needed), the lowest mailbox with work main lacks is elected to merge them all.
   * This clone defers only when the remote holds its head in its mailbox (else the merger
   * could not merge it); not elected and not mailed, it merges main alone, as before.
   */
  async elect(
    request: PullRequest,
    remote: string,
    mainRef: string,
    head: string | undefined,
  ): Promise<MailboxDecision> {
    const own = await this.name();
    if (own === undefined || head === undefined || !this.git.has("mailboxes")) return SERIAL;
    const ahead = await this.git.ok("countCommits", { from: mainRef, to: head });
    if ((Number.parseInt(ahead.stdout.trim(), 10) || 0) === 0) return IN_MAIN;
    const { candidates, merger, heads } = await electMerger(this.git, remote, mainRef, own);
    if (merger !== own && !request.takeOver) {
      // A head committed after this clone's last push is not in its mailbox yet. Merging main
      // alone would race the merger's push with a merge of our own (seen in the fleet bench:
      // the merger's push then lost and it merged a second time); mailing it first lets the
      // merger, or the next election, take it in. Mailing that fails keeps the serial round.
      if (heads.get(own) === head || (await this.mail(remote, own))) {
        return { deferTo: merger, mergeAlso: [] };
      }
      return SERIAL;
    }
    return { mergeAlso: this.toMerge(candidates, own, remote) };
  }

  /** The other clones' mailboxes holding work `ref` lacks, lowest first, as the merger merges them. */
  async notIn(ref: string, remote: string): Promise<MailToMerge[]> {
    const own = await this.name();
    if (own === undefined || !this.git.has("mailboxes")) return [];
    const { candidates } = await electMerger(this.git, remote, ref, own);
    return this.toMerge(candidates, own, remote);
  }

  private toMerge(candidates: readonly string[], own: string, remote: string): MailToMerge[] {
    return candidates
      .filter((name) => name !== own)
      .map((name) => ({
        ref: mailboxRef(remote, name),
        label: `${remote}/${MAILBOX_NAMESPACE}/${name}`,
        host: mailboxHost(name),
      }));
  }
}
