import { access, constants, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { doctorMessages as messages } from "../messages/doctor-messages.js";
import type { RecipeCommands } from "../operations/recipe-commands.js";
import { stripCredentials } from "../operations/remote-url.js";
import type { CommandResult } from "../runtime/command-runner.js";
import { type CheckResult, ok, problem } from "./check-result.js";
import { dvcsProgram } from "./dvcs-check.js";
import type { RemoteTarget } from "./upstream-check.js";

/**
 * What git, hg, brz, ssh and curl say (untranslated through the recipes' LC_ALL) when the
 * remote answered but wants a login autosync cannot give: the recipes turn prompts off
 * (GIT_TERMINAL_PROMPT=0, ssh BatchMode, stdin closed), so a prompt shows up as a failure.
 */
const NEEDS_LOGIN =
  /terminal prompts disabled|could not read (Username|Password)|Authentication failed|authorization (failed|required)|Permission denied \(|HTTP Basic: Access denied|returned error: 40[13]|HTTP Error 40[13]/i;
const HOST_KEY = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i;

/** A local remote (a path or file:// URL), absolute; undefined for a network URL. */
export function localRemotePath(url: string, root: string): string | undefined {
  if (/^file:\/\//i.test(url)) return fileURLToPath(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[a-z][a-z0-9+.-]*\+ssh:/i.test(url))
    return undefined;
  // git's scp-like `host:path`: a colon before the first slash.
  if (!isAbsolute(url) && /^[^/]+:/.test(url)) return undefined;
  return resolve(root, url);
}

function shown(target: RemoteTarget): string {
  return target.url === undefined
    ? target.remote
    : `${target.remote} (${stripCredentials(target.url)})`;
}

const ERROR_PREFIX = /^(fatal|abort|error|remote|ssh|brz: ERROR|bzr: ERROR): /;

/**
 * The line that says why: git, hg and brz end with advice ("Please make sure you have the
 * correct access rights / and the repository exists."), so the first error line is the cause.
 */
function probeDetail(result: CommandResult): string {
  const lines = (result.stderr || result.stdout)
    .split("\n")
    .map((text) => text.trim())
    .filter((text) => text !== "" && !/Could not read from remote repository/i.test(text));
  const cause = lines.find((text) => ERROR_PREFIX.test(text)) ?? lines[0] ?? result.shortMessage;
  // curl's messages quote the URL as configured: a token in it must not reach a report.
  return cause.replace(ERROR_PREFIX, "").replace(/(\/\/[^/:@\s]*):[^/@\s]*@/g, "$1@");
}

/** Why a network command against the remote failed, as a problem line. */
function failedProbe(
  subject: string,
  check: "remote" | "push",
  target: RemoteTarget,
  result: CommandResult,
  timeoutMs: number,
): CheckResult {
  const output = `${result.stderr}\n${result.stdout}`;
  const detail = probeDetail(result);
  if (result.timedOut)
    return problem(subject, check, messages.remoteTimeout(shown(target), timeoutMs));
  if (HOST_KEY.test(output))
    return problem(subject, check, messages.hostKey(shown(target), detail));
  if (NEEDS_LOGIN.test(output)) {
    return problem(subject, check, messages.needsLogin(shown(target), detail));
  }
  return check === "remote"
    ? problem(subject, check, messages.unreachable(shown(target), detail))
    : problem(subject, check, messages.pushRefused(shown(target), detail));
}

/** Reads from the remote: git ls-remote, hg identify, brz revision-info of the parent. */
function readRemote(
  commands: RecipeCommands,
  target: RemoteTarget,
  timeoutMs: number,
): Promise<CommandResult> {
  const program = dvcsProgram(commands);
  switch (commands.recipe.kind) {
    case "git":
      return commands.runArgv([program, "ls-remote", "--heads", "--", target.remote], {
        timeoutMs,
      });
    case "hg":
      return commands.runArgv([program, "identify", "--id", "--", target.remote], { timeoutMs });
    case "bzr":
      return commands.run("resolveRef", { ref: target.remote }, { timeoutMs });
  }
}

/** A local remote the push would write into: its metadata folder must be writable by us. */
async function localWritable(path: string, metadataDir: string): Promise<boolean> {
  const metadata = join(path, metadataDir);
  const dir = (await stat(metadata).catch(() => undefined))?.isDirectory() ? metadata : path;
  return access(dir, constants.W_OK).then(
    () => true,
    () => false,
  );
}

/**
 * git's dry-run push: connects like a push (receive-pack, the push credentials), negotiates the
 * refs and sends nothing; the remote and the local refs stay as they were.
 */
async function gitDryRunPush(
  subject: string,
  commands: RecipeCommands,
  target: RemoteTarget,
  timeoutMs: number,
): Promise<CheckResult> {
  const refspec = `HEAD:refs/heads/${target.remoteBranch ?? target.branch ?? "HEAD"}`;
  const result = await commands.runArgv(
    [dvcsProgram(commands), "push", "--dry-run", "--porcelain", "--", target.remote, refspec],
    { timeoutMs },
  );
  if (!result.failed) return ok(subject, "push", messages.pushPossible(shown(target)));
  const output = `${result.stdout}\n${result.stderr}`;
  if (/src refspec .* does not match any/i.test(output)) {
    return ok(subject, "push", messages.nothingToPush(shown(target)));
  }
  // Rejected as non-fast-forward: allowed to push, only behind; the pull before the push merges.
  if (
    /\[rejected\]|non-fast-forward|fetch first/i.test(output) &&
    !/remote rejected/i.test(output)
  ) {
    return ok(subject, "push", messages.pushBehind(shown(target)));
  }
  return failedProbe(subject, "push", target, result, timeoutMs);
}

/**
 * The remote answers without a prompt, and a push would be accepted, checked without changing
 * anything: git's dry-run push. hg and brz have none: a local remote is checked on the file
 * system (opening it with hg writes hg's caches into it), a network one by reading it, which
 * over ssh needs the same login as the push.
 */
export async function checkRemote(
  subject: string,
  commands: RecipeCommands,
  target: RemoteTarget,
  timeoutMs: number,
): Promise<CheckResult[]> {
  const { kind, metadataDir } = commands.recipe;
  const local = target.url === undefined ? undefined : localRemotePath(target.url, commands.root);
  if (local !== undefined && kind !== "git") {
    const found = await stat(join(local, metadataDir)).catch(() => undefined);
    if (!found?.isDirectory()) {
      return [
        problem(
          subject,
          "remote",
          messages.unreachable(shown(target), messages.noRepositoryAt(local, metadataDir)),
        ),
      ];
    }
  } else {
    const read = await readRemote(commands, target, timeoutMs);
    if (read.failed) return [failedProbe(subject, "remote", target, read, timeoutMs)];
  }
  const reachable = ok(subject, "remote", messages.reachable(shown(target)));
  if (local !== undefined && !(await localWritable(local, metadataDir))) {
    return [reachable, problem(subject, "push", messages.remoteReadOnly(shown(target), local))];
  }
  if (kind === "git") return [reachable, await gitDryRunPush(subject, commands, target, timeoutMs)];
  if (local !== undefined)
    return [reachable, ok(subject, "push", messages.pushPossible(shown(target)))];
  return [reachable, ok(subject, "push", messages.pushUntestable(shown(target), kind))];
}
