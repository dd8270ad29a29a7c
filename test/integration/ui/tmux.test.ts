import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { AUTOSYNC_MAIN, nodeBinary, REPO_ROOT } from "../../support/sync-fixture.js";
import { runOnExit } from "../../support/exit-reaper.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { CONFLICT_BASE, CONFLICT_FILE, conflictOn } from "../../support/conflict-scenario.js";
import { waitFor } from "../../support/wait-for.js";

const run = promisify(execFile);

function tmuxMissing(): string | false {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return false;
  } catch {
    return "tmux is not installed (CI installs it: apt-get install tmux)";
  }
}

/**
 * A tmux server of the test's own (-L), so it never touches a user's sessions. It daemonizes,
 * so it and the autosync in its pane would outlive a test process killed before `t.after`.
 */
function ownTmuxServer(t: { after(fn: () => unknown): void }, prefix: string) {
  const server = `${prefix}-${process.pid}-${Date.now()}`;
  const interrupted = runOnExit(() =>
    execFileSync("tmux", ["-L", server, "kill-server"], { stdio: "ignore" }),
  );
  t.after(async () => {
    await run("tmux", ["-L", server, "kill-server"]).catch(() => {});
    interrupted.release();
  });
  return (...args: string[]) => run("tmux", ["-L", server, ...args]);
}

const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The real binary on a real terminal: `autosync demo` in a detached tmux session, read back
 * with capture-pane. Its own tmux server (-L) so it never touches a user's sessions.
 */
test(
  "autosync demo shows both repositories in tmux, ? opens the help and q quits cleanly",
  { skip: tmuxMissing(), timeout: 180_000 },
  async (t) => {
    const temp = await makeTempDir("autosync-tmux-");
    t.after(temp.cleanup);
    const home = join(temp.dir, "home");
    await mkdir(home, { recursive: true });
    await writeFile(join(home, ".gitconfig"), "");
    const tmux = ownTmuxServer(t, "autosync-test");

    const command = [
      "env",
      `HOME=${quote(home)}`,
      `XDG_CONFIG_HOME=${quote(join(home, ".config"))}`,
      "GIT_CONFIG_NOSYSTEM=1",
      quote(nodeBinary()),
      // The built binary when there is one (npm test builds first), else the source via tsx.
      ...(existsSync(AUTOSYNC_MAIN)
        ? [quote(AUTOSYNC_MAIN)]
        : ["--import tsx", quote(join(REPO_ROOT, "src/cli/main.ts"))]),
      "demo --dir",
      quote(join(temp.dir, "demo")),
      // Keep the pane after the exit so the test can read the exit code.
      "; echo AUTOSYNC_EXIT=$?; sleep 120",
    ].join(" ");
    await tmux(
      "new-session",
      "-d",
      "-s",
      "demo",
      "-x",
      "100",
      "-y",
      "30",
      "-c",
      REPO_ROOT,
      command,
    );
    const screen = async (): Promise<string> =>
      (await tmux("capture-pane", "-p", "-t", "demo")).stdout;

    const panels = await waitFor(
      "both repository panels",
      async () => {
        const text = await screen();
        return /▶ left \S+/.test(text) &&
          /│ right \S+/.test(text) &&
          text.includes("mqtt: connected")
          ? text
          : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    assert.match(panels, /autosync · demo: left ⇄ right/);
    for (const line of panels.split("\n"))
      assert.ok([...line].length <= 100, `wider than the pane: ${line}`);

    await tmux("send-keys", "-t", "demo", "?");
    await waitFor("the help", async () => (await screen()).includes("press ? or Esc to close"), {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    await tmux("send-keys", "-t", "demo", "?");
    await waitFor(
      "the help to close",
      async () => !(await screen()).includes("press ? or Esc to close"),
      {
        timeoutMs: 20_000,
        intervalMs: 100,
      },
    );

    await tmux("send-keys", "-t", "demo", "q");
    const after = await waitFor(
      "autosync to exit",
      async () => {
        const text = await screen();
        return /AUTOSYNC_EXIT=\d+/.test(text) ? text : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    assert.match(after, /AUTOSYNC_EXIT=0/);
    // The alternate screen is gone: the shell's screen shows the paths to the two copies.
    assert.match(after, /left: {2}\S+demo\/left/);
  },
);

/**
 * Two real daemons made a conflict; on alpha the TUI's conflict desk settles it with keys:
 * x opens it, the key labelled with beta keeps beta's version, y confirms. On 80 columns with
 * NO_COLOR, as a plain terminal.
 */
test(
  "the conflict desk settles a conflict with keys, and the other machine stops listing it",
  { skip: tmuxMissing(), timeout: 400_000 },
  async (t) => {
    const { fixture, procs } = await conflictOn(t, "git", 2);
    const [alpha, beta] = [fixture.copy(0), fixture.copy(1)];
    await procs[0]!.stop();
    const tmux = ownTmuxServer(t, "autosync-desk");
    const passed = Object.entries(fixture.env)
      .filter(([key]) => /^(HOME|XDG_\w+|GIT_\w+|LANG|LC_ALL|PATH)$/.test(key))
      .map(([key, value]) => `${key}=${quote(value ?? "")}`);
    const command = [
      "env",
      ...passed,
      "NO_COLOR=1",
      quote(nodeBinary()),
      quote(AUTOSYNC_MAIN),
      "run --config",
      quote(alpha.configPath),
      "; echo AUTOSYNC_EXIT=$?; sleep 120",
    ].join(" ");
    await tmux("new-session", "-d", "-s", "desk", "-x", "80", "-y", "30", command);
    const screen = async (): Promise<string> =>
      (await tmux("capture-pane", "-p", "-t", "desk")).stdout;
    const shows = (text: string) =>
      waitFor(
        JSON.stringify(text),
        async () => {
          const current = await screen();
          return current.includes(text) ? current : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );

    await shows("1 unresolved conflict");
    await tmux("send-keys", "-t", "desk", "x");
    const desk = await shows("1 keep alpha's  2 keep beta's");
    assert.match(desk, /Conflict desk: notes, 1 unresolved/);
    for (const line of desk.split("\n"))
      assert.ok([...line].length <= 80, `wider than the pane: ${line}`);
    await tmux("send-keys", "-t", "desk", "2");
    await shows("y to confirm");
    assert.equal(
      await readFile(join(alpha.path, CONFLICT_FILE), "utf8"),
      CONFLICT_BASE.replace("one", "one edited on alpha"),
      "nothing changes before y",
    );
    await tmux("send-keys", "-t", "desk", "y");
    await shows("Nothing is unresolved in notes");
    const wanted = CONFLICT_BASE.replace("two", "two edited on beta");
    for (const copy of [alpha, beta]) {
      await waitFor(
        `${copy.host} to hold beta's version and no copy`,
        async () =>
          (await readFile(join(copy.path, CONFLICT_FILE), "utf8")) === wanted &&
          (await readdir(copy.path)).every((name) => !name.includes("(conflict ")),
        { timeoutMs: 60_000 },
      );
    }
    await tmux("send-keys", "-t", "desk", "Escape");
    await shows("no unresolved conflicts");
    await tmux("send-keys", "-t", "desk", "q");
    assert.match(await shows("AUTOSYNC_EXIT="), /AUTOSYNC_EXIT=0/);
  },
);
