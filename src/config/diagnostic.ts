/** One problem in a config or recipe file, precise enough for an editor or a CI annotation. */
export interface Diagnostic {
  severity: "error" | "warning";
  file: string;
  /** 1-based; undefined when the problem has no place in the file (e.g. a missing file). */
  line?: number;
  column?: number;
  /** Key path as users write it: `repositories[0].timers.commitDelay`. Empty for the root. */
  keyPath: string;
  /** What was expected, in words. */
  expected: string;
  /** What was found, quoted/abbreviated for display. */
  found?: string;
  /** How to fix it, when there is more to say than `expected`. */
  hint?: string;
}
