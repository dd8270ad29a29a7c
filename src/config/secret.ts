import { secretMessages } from "../messages/config-messages.js";
import { runCommand } from "../runtime/command-runner.js";
import type { SecretRef } from "./resolved-config.js";

/** A secret could not be read; the message says which and how to fix it. */
export class SecretError extends Error {
  override name = "SecretError";
}

const COMMAND_TIMEOUT_MS = 30_000;

function definedValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const defined: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) defined[key] = value;
  return defined;
}

/** The secret as the raw config spells it: an inline string, `{ env }` or `{ command }`. */
export function toSecretRef(raw: string | { env: string } | { command: string }): SecretRef {
  return typeof raw === "string" ? { value: raw } : raw;
}

/**
 * Reads a secret when it is needed (not at load time, so `validate` never runs commands).
 * `{ command }` runs with `sh -c`: it is the user's own command from the user's own config,
 * written as they would type it (`pass show xmpp | head -1`), and no outside text is ever
 * spliced into it, so a shell adds no injection risk here.
 */
export async function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv): Promise<string> {
  if ("value" in ref) return ref.value;
  if ("env" in ref) {
    const value = env[ref.env];
    if (value === undefined || value === "")
      throw new SecretError(secretMessages.envUnset(ref.env));
    return value;
  }
  const result = await runCommand(["sh", "-c", ref.command], {
    cwd: process.cwd(),
    env: definedValues(env),
    inheritEnv: false,
    timeoutMs: COMMAND_TIMEOUT_MS,
  });
  if (result.failed) {
    const reason = result.timedOut
      ? `timed out after ${COMMAND_TIMEOUT_MS / 1000}s`
      : `exit ${result.exitCode ?? result.signal ?? "?"}${result.stderr ? `: ${result.stderr.trim().split("\n").at(-1)}` : ""}`;
    throw new SecretError(secretMessages.commandFailed(ref.command, reason));
  }
  const output = result.stdout.replace(/\r?\n$/, "");
  if (output === "") throw new SecretError(secretMessages.commandEmpty(ref.command));
  return output;
}
