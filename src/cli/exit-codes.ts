/** Documented in the README ("Exit codes"); scripts and service managers rely on them. */
export const ExitCode = {
  ok: 0,
  /** Invalid config or recipe, or the command could not do its job. */
  failure: 1,
  /** Wrong arguments: unknown command or flag, missing value. */
  usage: 2,
  /** Another autosync already serves one of these repositories. */
  alreadyRunning: 3,
  /** Stopped by a signal after finishing the operation in flight. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
