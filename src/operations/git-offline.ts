import { lastLines, type CommandResult } from "../runtime/command-runner.js";

// Messages of git, ssh and curl (LC_ALL=C via the recipe) that mean "the remote is not
// reachable right now", as opposed to a refusal by a reachable remote. A missing remote path
// counts: a remote on an unmounted drive is offline, not broken.
const UNREACHABLE = [
  /Could not resolve host/i,
  /Could not resolve hostname/i,
  /Name or service not known/i,
  /Temporary failure in name resolution/i,
  /Connection refused/i,
  /Connection timed out/i,
  /Operation timed out/i,
  /Connection reset/i,
  /Network is unreachable/i,
  /No route to host/i,
  /unable to connect/i,
  /Failed to connect/i,
  /does not appear to be a git repository/i,
  /Could not read from remote repository/i,
  /unable to access '/i,
  /The remote end hung up unexpectedly/i,
  /Host key verification failed/i,
  /Permission denied \(/i,
];

/** A short reason when a failed git network command means "offline", else undefined. */
export function gitOfflineReason(result: CommandResult): string | undefined {
  if (!result.failed) return undefined;
  if (result.timedOut) return `${result.argv.slice(0, 2).join(" ")} timed out`;
  if (!UNREACHABLE.some((pattern) => pattern.test(result.stderr))) return undefined;
  const lines = result.stderr
    .split("\n")
    .map((line) => line.replace(/^(fatal|error|ssh): /, "").trim())
    .filter((line) => line !== "" && !/^Could not read from remote repository/.test(line));
  const specific = lines.find((line) => UNREACHABLE.some((pattern) => pattern.test(line)));
  return specific ?? lastLines(result.stderr, 1);
}
