import type { Diagnostic } from "./diagnostic.js";

/** `key.path: expected …, got …; hint` — the message without the position. */
export function diagnosticMessage(d: Diagnostic): string {
  const subject = d.keyPath ? `${d.keyPath}: ` : "";
  const got = d.found !== undefined ? `, got ${d.found}` : "";
  const hint = d.hint ? `; ${d.hint}` : "";
  return `${subject}expected ${d.expected}${got}${hint}`;
}

/** `file:line:column`, or just the file when the problem has no place in it. */
export function diagnosticLocation(d: Diagnostic): string {
  if (d.line === undefined) return d.file;
  return `${d.file}:${d.line}${d.column !== undefined ? `:${d.column}` : ""}`;
}

/**
 * One line per problem:
 * `repositories[0].timers.commitDelay: expected a duration such as '2s' or '500ms', got 'soon' (autosync.config.yaml:9:20)`.
 * Warnings carry a `warning: ` prefix so they cannot be mistaken for the reason of a failure.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === "warning" ? "warning: " : "";
  return `${prefix}${diagnosticMessage(d)} (${diagnosticLocation(d)})`;
}
