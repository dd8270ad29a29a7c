import { spawn } from "node:child_process";

/** How an editor run ended: undefined when it exited 0, else what went wrong. */
export type EditorFailure = string | undefined;

/**
 * Runs `editor` (a command line such as `code --wait`, split on spaces as $VISUAL is) on
 * `file` with the terminal handed over, and waits for it without blocking: the daemon in
 * this process keeps syncing and answering its control socket while the user edits.
 */
export function runEditor(editor: string, file: string): Promise<EditorFailure> {
  const [command, ...args] = editor.split(" ").filter(Boolean);
  return new Promise((resolve) => {
    const child = spawn(command ?? "vi", [...args, file], { stdio: "inherit" });
    child.once("error", (error) => resolve(error.message));
    child.once("exit", (code, signal) =>
      resolve(code === 0 ? undefined : signal ? `signal ${signal}` : `exit ${code}`),
    );
  });
}
