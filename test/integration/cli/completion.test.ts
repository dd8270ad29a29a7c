import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { commands } from "../../../src/cli/command-list.js";
import { commandSpec } from "../../../src/cli/completion/command-spec.js";
import { AUTOSYNC_MAIN, REPO_ROOT } from "../../support/sync-fixture.js";
import { runCliCaptured } from "../../support/captured-cli.js";
import { makeTempDir } from "../../support/temp-dir.js";

// The scripts run in the real shells; repository names come from the real CLI, called by the
// script as `autosync completion --repos` the way it is at a user's Tab.

const run = promisify(execFile);
let temp: { dir: string; cleanup: () => Promise<void> };
let env: NodeJS.ProcessEnv;
let config: string;
let noConfig: string;
const scripts: Record<string, string> = {};

function capture(args: string[], cwd = REPO_ROOT) {
  return runCliCaptured(args, { cwd, env: { ...process.env, HOME: temp.dir } });
}

function hasShell(shell: string): boolean {
  return spawnSync(shell, ["-c", "exit 0"]).status === 0;
}

before(async () => {
  temp = await makeTempDir("autosync-completion-");
  const bin = join(temp.dir, "bin");
  await mkdir(bin);
  // `autosync` on PATH, as installed: the built CLI when there is one (npm test builds first).
  const main = existsSync(AUTOSYNC_MAIN)
    ? `"${AUTOSYNC_MAIN}"`
    : `--import "${import.meta.resolve("tsx")}" "${join(REPO_ROOT, "src/cli/main.ts")}"`;
  await writeFile(join(bin, "autosync"), `#!/bin/sh\nexec "${process.execPath}" ${main} "$@"\n`);
  await chmod(join(bin, "autosync"), 0o755);
  config = join(temp.dir, "work", "autosync.config.yaml");
  await mkdir(join(temp.dir, "work"));
  await writeFile(
    config,
    [
      "version: 1",
      "repositories:",
      `  - path: ${join(temp.dir, "notes")}`,
      `  - path: ${join(temp.dir, "papers")}`,
      "    name: my papers",
      "",
    ].join("\n"),
  );
  noConfig = join(temp.dir, "empty");
  await mkdir(noConfig);
  env = {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`,
    HOME: temp.dir,
    XDG_CONFIG_HOME: join(temp.dir, ".config"),
  };
  for (const shell of ["bash", "zsh", "fish"]) {
    const printed = await capture(["completion", shell]);
    assert.equal(printed.code, 0, printed.stderr);
    scripts[shell] = join(temp.dir, `autosync.${shell}`);
    await writeFile(scripts[shell] as string, printed.stdout);
  }
});

after(() => temp?.cleanup());

/** What bash offers for `line` (the last word is being completed), one candidate a line. */
async function bashComplete(line: string[], cwd: string): Promise<string[]> {
  const { stdout, stderr } = await run(
    "bash",
    [
      "-c",
      `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _autosync; printf '%s\\n' "\${COMPREPLY[@]}"`,
      scripts.bash as string,
      ...line,
    ],
    { cwd, env, timeout: 60_000 },
  );
  assert.equal(stderr, "", "completion never prints errors into the terminal");
  return stdout.split("\n").filter((word) => word !== "");
}

test("bash completes commands, flags, flag values and subcommands from the command registry", async () => {
  const names = commands.map((command) => command.name);
  assert.deepEqual(await bashComplete(["autosync", ""], noConfig), [
    ...names,
    "--help",
    "--version",
  ]);
  assert.deepEqual(await bashComplete(["autosync", "st"], noConfig), ["status", "stop"]);
  assert.deepEqual(await bashComplete(["autosync", "validate", "--format", ""], noConfig), [
    "text",
    "json",
  ]);
  assert.deepEqual(await bashComplete(["autosync", "validate", "--s"], noConfig), ["--strict"]);
  assert.deepEqual(await bashComplete(["autosync", "init", "--recipe", ""], noConfig), [
    "git",
    "hg",
    "bzr",
  ]);
  assert.deepEqual(await bashComplete(["autosync", "service", ""], noConfig), [
    "install",
    "uninstall",
  ]);
  assert.deepEqual(await bashComplete(["autosync", "service", "install", "--d"], noConfig), [
    "--dry-run",
  ]);
  assert.deepEqual(await bashComplete(["autosync", "completion", ""], noConfig), [
    "bash",
    "zsh",
    "fish",
  ]);
  assert.deepEqual(
    await bashComplete(["autosync", "commit", "-m", ""], noConfig),
    [],
    "a message is typed",
  );
});

test("bash offers the configured repository names where a command takes a repository", async () => {
  const work = join(temp.dir, "work");
  for (const command of ["sync", "pause", "resume", "commit"]) {
    assert.deepEqual(
      await bashComplete(["autosync", command, ""], work),
      ["notes", "my\\ papers"],
      command,
    );
  }
  assert.deepEqual(await bashComplete(["autosync", "sync", "n"], work), ["notes"]);
  // From --config when the line has one, wherever the shell is.
  assert.deepEqual(await bashComplete(["autosync", "pause", "--config", config, "my"], noConfig), [
    "my\\ papers",
  ]);
  // One repository per command: after it, only flags.
  assert.deepEqual(await bashComplete(["autosync", "sync", "notes", ""], work), [
    "--config",
    "--socket",
    "--help",
  ]);
  // Without a config: no names and no error, the flags instead.
  assert.deepEqual(await bashComplete(["autosync", "sync", ""], noConfig), [
    "--config",
    "--socket",
    "--help",
  ]);
});

test("bash completes file and directory arguments from the file system", async () => {
  const work = join(temp.dir, "work");
  assert.deepEqual(await bashComplete(["autosync", "validate", "auto"], work), [
    "autosync.config.yaml",
  ]);
  assert.deepEqual(await bashComplete(["autosync", "run", "--config", "auto"], work), [
    "autosync.config.yaml",
  ]);
  assert.deepEqual(await bashComplete(["autosync", "init", join(temp.dir, "em")], work), [
    noConfig,
  ]);
});

test("every flag a command's help documents is offered, so new commands complete without more code", () => {
  for (const command of commands) {
    // Flags in `quoted commands` belong to other programs (systemctl --user, run --no-tui).
    const prose = command.help.replace(/`[^`]*`/g, "");
    const documented = new Set(prose.match(/(?<![\w-])--[a-z][\w-]*/g) ?? []);
    documented.delete("--help");
    const offered = commandSpec(command).flags.map((flag) => flag.flag);
    assert.deepEqual(
      [...documented].filter((flag) => !offered.includes(flag)),
      [],
      `autosync ${command.name}`,
    );
  }
});

test("completion --repos prints the names, and nothing at all when the config is invalid", async () => {
  assert.deepEqual(await capture(["completion", "--repos", "--config", config]), {
    code: 0,
    stdout: "notes\nmy papers\n",
    stderr: "",
  });
  const broken = join(temp.dir, "broken.yaml");
  await writeFile(broken, "version: 1\nrepositories: nope\n");
  assert.deepEqual(await capture(["completion", "--repos", "--config", broken]), {
    code: 1,
    stdout: "",
    stderr: "",
  });
  assert.deepEqual(await capture(["completion", "--repos"], noConfig), {
    code: 1,
    stdout: "",
    stderr: "",
  });
});

test("completion without a known shell is a usage error", async () => {
  const missing = await capture(["completion"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /which shell\? Usage: autosync completion bash\|zsh\|fish/);
  const unknown = await capture(["completion", "tcsh"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no completion for 'tcsh'/);
});

test(
  "fish completes commands, flag values and repository names",
  { skip: !hasShell("fish") && "fish is not installed" },
  async () => {
    const complete = async (line: string, cwd: string) => {
      const { stdout } = await run(
        "fish",
        [
          "--no-config",
          "-c",
          `source $argv[1]; complete -C $argv[2]`,
          scripts.fish as string,
          line,
        ],
        { cwd, env, timeout: 60_000 },
      );
      return stdout
        .split("\n")
        .filter((entry) => entry !== "")
        .map((entry) => entry.split("\t")[0]);
    };
    const work = join(temp.dir, "work");
    assert.deepEqual(await complete("autosync sy", noConfig), ["sync"]);
    assert.deepEqual((await complete("autosync validate --format ", noConfig)).sort(), [
      "json",
      "text",
    ]);
    assert.deepEqual((await complete("autosync sync ", work)).sort(), ["my papers", "notes"]);
    assert.deepEqual((await complete(`autosync commit --config ${config} `, noConfig)).sort(), [
      "my papers",
      "notes",
    ]);
    assert.deepEqual(await complete("autosync sync ", noConfig), []);
  },
);

// An interactive zsh in a pseudo-terminal (zsh/zpty): type the line, press Tab, print what zsh
// made of the command line (a key bound to a widget prints $BUFFER).
const ZSH_HARNESS = `
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT='> '; autoload -U compinit; compinit -u -d \${(q)3}/zcompdump; source \${(q)1}"
zpty -w z '_show_buffer() { zle -I; print -r -- "<<""BUFFER:$BUFFER>>" }; zle -N _show_buffer; bindkey "^X^B" _show_buffer'
zpty -w -n z "$2"$'\\t\\C-x\\C-b'
local line
while zpty -r z line; do
  if [[ $line == *'<<BUFFER:'* ]]; then
    line=\${line#*<<BUFFER:}
    print -r -- "\${line%%>>*}"
    break
  fi
done
zpty -d z
`;

test(
  "zsh completes commands, flag values, subcommands and repository names",
  { skip: !hasShell("zsh") && "zsh is not installed" },
  async () => {
    await run("zsh", ["-n", scripts.zsh as string]);
    const harness = join(temp.dir, "zsh-harness.zsh");
    await writeFile(harness, ZSH_HARNESS);
    const complete = async (line: string, cwd: string) => {
      const { stdout } = await run("zsh", ["-f", harness, scripts.zsh as string, line, temp.dir], {
        cwd,
        env,
        timeout: 60_000,
      });
      return stdout.replace(/\r?\n$/, "");
    };
    const work = join(temp.dir, "work");
    assert.equal(await complete("autosync vali", noConfig), "autosync validate ");
    assert.equal(
      await complete("autosync validate --format t", noConfig),
      "autosync validate --format text ",
    );
    assert.equal(
      await complete("autosync init --recipe b", noConfig),
      "autosync init --recipe bzr ",
    );
    assert.equal(await complete("autosync service i", noConfig), "autosync service install ");
    assert.equal(
      await complete("autosync service install --d", noConfig),
      "autosync service install --dry-run ",
    );
    assert.equal(await complete("autosync sync n", work), "autosync sync notes ");
    assert.equal(
      await complete(`autosync pause --config ${config} my`, noConfig),
      `autosync pause --config ${config} my\\ papers `,
    );
  },
);
