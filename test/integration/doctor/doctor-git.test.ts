import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { spawn } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { runDoctor } from "../../../src/doctor/run-doctor.js";
import { startDaemon } from "../../../src/runtime/daemon.js";
import { makeGitClones, type GitClones } from "../../support/git-clones.js";
import { acceptsConnections, freePort } from "../../support/free-port.js";
import { reapOnExit } from "../../support/exit-reaper.js";
import { waitFor } from "../../support/wait-for.js";
import {
  assertAllOk,
  doctorCli,
  line,
  REPOSITORY_CHECKS,
  resolvedConfig,
  snapshotTree,
  writeConfig,
} from "./doctor-support.js";

describe("autosync doctor on git repositories", { timeout: 180_000 }, () => {
  let clones: GitClones;
  let clone: string;

  before(async () => {
    clones = await makeGitClones(2, "autosync-doctor-git-");
    clone = clones.clones[0] as string;
  });
  after(() => clones?.cleanup());

  async function withRemote(url: string, timeoutMs = 10_000) {
    const repo = clones.clones[1] as string;
    const before = (await clones.git(repo, "remote", "get-url", "origin")).trim();
    await clones.git(repo, "remote", "set-url", "origin", url);
    try {
      const config = await resolvedConfig(clones.dir, {
        repositories: [{ path: repo, name: "b" }],
      });
      const started = performance.now();
      const results = await runDoctor(config, { env: process.env, networkTimeoutMs: timeoutMs });
      return { results, ms: performance.now() - started };
    } finally {
      await clones.git(repo, "remote", "set-url", "origin", before);
    }
  }

  test("a healthy clone: every line ok, exit 0, and neither the tree nor the remote changed", async () => {
    // Unpushed work and a file in the tree: a push would change the remote, a dry run must not.
    await writeFile(join(clone, "draft.txt"), "local\n");
    await clones.git(clone, "add", "draft.txt");
    await clones.git(clone, "commit", "-q", "-m", "local");
    const config = await writeConfig(clones.dir, {
      repositories: [{ path: clone, name: "notes" }],
    });
    const treeBefore = await snapshotTree(clone);
    const remoteBefore = await snapshotTree(clones.remote);

    const { code, stdout, stderr } = await doctorCli(["--config", config], clones.dir);

    assert.equal(stderr, "");
    assert.equal(code, 0, stdout);
    assertAllOk(stdout, "notes", REPOSITORY_CHECKS);
    assertAllOk(stdout, "machine", ["watch-limit", "desktop", "pidfile", "socket", "instance"]);
    const lines = stdout.trimEnd().split("\n");
    assert.match(lines.at(-1) ?? "", /^0 problems, 0 warnings, \d+ ok$/);
    assert.match(stdout, /branch main tracks origin\/main/);
    assert.match(stdout, /a push to origin .* would be accepted/);

    assert.deepEqual(await snapshotTree(clone), treeBefore, "the working copy changed");
    assert.deepEqual(await snapshotTree(clones.remote), remoteBefore, "the remote changed");
    assert.equal(existsSync(join(clones.dir, "autosync.pid")), false, "a pidfile was written");
    assert.equal(existsSync(join(clones.dir, "autosync.sock")), false, "a socket was created");
    assert.equal(
      existsSync(join(clone, ".git", "autosync-instance.json")),
      false,
      "a lock was taken",
    );
  });

  test("--json gives every check with subject, status, message and fix", async () => {
    const config = await writeConfig(clones.dir, {
      repositories: [{ path: clone, name: "notes" }],
    });
    const { code, stdout } = await doctorCli(["--config", config, "--json"], clones.dir);
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      config: string;
      counts: Record<string, number>;
      checks: Record<string, unknown>[];
    };
    assert.equal(report.ok, true);
    assert.equal(report.config, "autosync.config.json");
    assert.deepEqual(Object.keys(report.counts), ["ok", "warning", "problem"]);
    assert.equal(report.counts.ok, report.checks.length);
    for (const check of report.checks) {
      assert.deepEqual(Object.keys(check), [
        "subject",
        "check",
        "status",
        "message",
        "fix",
        "failure",
      ]);
      assert.equal(check.fix, null);
    }
    assert.ok(report.checks.some((check) => check.subject === "notes" && check.check === "push"));
  });

  test("a branch without upstream is a warning; a repository without a remote is a problem, exit 1", async (t) => {
    const lonely = join(clones.dir, "lonely");
    await mkdir(lonely);
    await clones.git(lonely, "init", "-q", "-b", "main");
    const noUpstream = join(clones.dir, "no-upstream");
    await clones.git(clones.dir, "clone", "-q", clones.remote, noUpstream);
    await clones.git(noUpstream, "checkout", "-q", "-b", "topic");
    t.after(async () => {
      const { rm } = await import("node:fs/promises");
      await rm(lonely, { recursive: true, force: true });
      await rm(noUpstream, { recursive: true, force: true });
    });

    const config = await resolvedConfig(clones.dir, {
      repositories: [
        { path: lonely, name: "lonely" },
        { path: noUpstream, name: "topic" },
      ],
    });
    const results = await runDoctor(config, { env: process.env });

    const none = line(results, "lonely", "upstream");
    assert.equal(none.status, "problem");
    assert.match(none.message, /no remote/);
    assert.match(none.fix ?? "", /git remote add origin URL/);
    assert.equal(
      results.some((r) => r.subject === "lonely" && r.check === "remote"),
      false,
    );

    const topic = line(results, "topic", "upstream");
    assert.equal(topic.status, "warning");
    assert.match(topic.message, /branch topic has no upstream; autosync pushes to origin\/topic/);
    assert.match(topic.fix ?? "", /git push -u origin topic/);
    // Still reachable and pushable: the first push creates the branch.
    assert.equal(line(results, "topic", "remote").status, "ok");
    assert.equal(line(results, "topic", "push").status, "ok");

    const cliConfig = await writeConfig(clones.dir, {
      repositories: [{ path: lonely, name: "lonely" }],
    });
    const cli = await doctorCli(["--config", cliConfig], clones.dir);
    assert.equal(cli.code, 1);
    assert.match(cli.stdout, /^problem\s+lonely\s+upstream\s+.*→ `git remote add origin URL`/m);
    assert.match(cli.stdout, /^1 problem, /m);
  });

  describe("an unreachable remote", () => {
    let silent: Server;
    let silentPort: number;
    const held: Socket[] = [];
    before(async () => {
      // Accepts TCP and never says a word: a black-holed or hung host.
      silent = createServer((socket) => held.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      silentPort = (silent.address() as { port: number }).port;
    });
    after(async () => {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    test("a path that does not exist", async () => {
      const { results } = await withRemote(join(clones.dir, "no-such-remote.git"));
      const remote = line(results, "b", "remote");
      assert.equal(remote.status, "problem");
      assert.match(
        remote.message,
        /cannot reach origin \(.*no-such-remote\.git\): .*does not appear to be a git repository/,
      );
      assert.ok(remote.fix);
      assert.equal(
        results.some((r) => r.check === "push"),
        false,
      );
    });

    test("ssh and http to a port nobody listens on", async () => {
      const port = await freePort();
      for (const url of [`ssh://git@127.0.0.1:${port}/x.git`, `http://127.0.0.1:${port}/x.git`]) {
        const { results } = await withRemote(url);
        const remote = line(results, "b", "remote");
        assert.equal(remote.status, "problem", url);
        assert.match(remote.message, /cannot reach origin .*[Cc]onnect/, url);
      }
    });

    test("a host that accepts and never answers is reported within the timeout, not waited for", async () => {
      const { results, ms } = await withRemote(`http://127.0.0.1:${silentPort}/x.git`, 2_000);
      const remote = line(results, "b", "remote");
      assert.equal(remote.status, "problem");
      assert.match(remote.message, /did not answer within 2 s/);
      assert.ok(ms < 15_000, `took ${ms} ms`);
    });
  });

  test("a remote that wants a password autosync cannot type is a problem, not a hang", async (t) => {
    // Asks every client for HTTP Basic credentials; with prompts off git must give up at once.
    const server = createHttpServer((_request, response) => {
      response.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    t.after(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as { port: number }).port;
    const { results } = await withRemote(`http://127.0.0.1:${port}/x.git`);
    const remote = line(results, "b", "remote");
    assert.equal(remote.status, "problem");
    assert.match(remote.message, /wants a login autosync cannot type: .*terminal prompts disabled/);
    assert.match(remote.fix ?? "", /credential helper/);

    // A token in the URL is refused too, and appears nowhere in the report.
    const withToken = await withRemote(`http://me:secret-token@127.0.0.1:${port}/x.git`);
    const refused = line(withToken.results, "b", "remote");
    assert.equal(refused.status, "problem");
    assert.match(refused.message, /wants a login autosync cannot type/);
    assert.doesNotMatch(JSON.stringify(withToken.results), /secret-token/);
  });

  test("a remote that can be read but not pushed to: a push problem found without pushing", async (t) => {
    // git daemon serves fetches only (receive-pack is off unless enabled).
    const port = await freePort();
    const daemon = spawn(
      "git",
      [
        "daemon",
        "--export-all",
        "--reuseaddr",
        "--listen=127.0.0.1",
        `--port=${port}`,
        `--base-path=${clones.dir}`,
      ],
      { stdio: "ignore" },
    );
    reapOnExit(daemon, { group: false });
    t.after(() => {
      daemon.kill();
    });
    await waitFor("git daemon listening", () => acceptsConnections(port));
    const remoteBefore = await snapshotTree(clones.remote);
    const { results } = await withRemote(`git://127.0.0.1:${port}/remote.git`);
    assert.equal(line(results, "b", "remote").status, "ok");
    const push = line(results, "b", "push");
    assert.equal(push.status, "problem");
    assert.match(push.message, /a push to origin .* would fail: remote error: access denied/);
    assert.deepEqual(await snapshotTree(clones.remote), remoteBefore);
  });

  test("no commit identity: a warning naming the fallback identity commits will use", async (t) => {
    const repo = clones.clones[1] as string;
    await clones.git(repo, "config", "--unset", "user.email");
    t.after(() => clones.git(repo, "config", "user.email", "test1@example.invalid"));
    const config = await resolvedConfig(clones.dir, { repositories: [{ path: repo, name: "b" }] });
    const results = await runDoctor(config, { env: process.env });
    const identity = line(results, "b", "identity");
    assert.equal(identity.status, "warning");
    assert.match(
      identity.message,
      /commits are made as autosync doctor-test <autosync@doctor-test>/,
    );
    assert.match(identity.fix ?? "", /git config --global user.email/);
  });

  test("the watch limit: the folders the ignore rules leave in, against the limit read from its file", async (t) => {
    const repo = clones.clones[1] as string;
    // 30 folders ignored by .gitignore must not count; 3 watched ones (and the root) do.
    for (let i = 0; i < 30; i++) await mkdir(join(repo, "build", `d${i}`), { recursive: true });
    for (const dir of ["a", "b", "c"]) await mkdir(join(repo, dir));
    await writeFile(join(repo, ".gitignore"), "build/\n");
    t.after(async () => {
      const { rm } = await import("node:fs/promises");
      for (const dir of ["build", "a", "b", "c", ".gitignore"])
        await rm(join(repo, dir), { recursive: true, force: true });
    });
    const config = await resolvedConfig(clones.dir, { repositories: [{ path: repo, name: "b" }] });
    const limitFile = join(clones.dir, "max_user_watches");
    const verdict = async (limit: string) => {
      await writeFile(limitFile, limit);
      const results = await runDoctor(config, { env: process.env, watchLimitFile: limitFile });
      return line(results, "machine", "watch-limit");
    };

    const low = await verdict("3\n");
    assert.equal(low.status, "problem");
    assert.match(low.message, /^4 folders to watch but the inotify limit is 3/);
    assert.match(low.fix ?? "", /sudo sysctl fs\.inotify\.max_user_watches=524288/);
    assert.equal((await verdict("7\n")).status, "warning");
    const fine = await verdict("8192\n");
    assert.equal(fine.status, "ok");
    assert.equal(fine.message, "4 folders to watch, limit 8192");
    const missing = await runDoctor(config, {
      env: process.env,
      watchLimitFile: join(clones.dir, "no-such-file"),
    });
    assert.equal(line(missing, "machine", "watch-limit").status, "ok");
  });

  test("another instance: this config's running daemon is fine, one with another config is a warning", async () => {
    const repo = clones.clones[1] as string;
    const mine = await resolvedConfig(clones.dir, { repositories: [{ path: repo, name: "b" }] });
    const daemon = await startDaemon(mine, { env: process.env });
    try {
      const same = await runDoctor(mine, { env: process.env });
      const running = line(same, "machine", "instance");
      assert.equal(running.status, "ok");
      assert.match(
        running.message,
        new RegExp(`running with this config \\(pid ${process.pid}\\)`),
      );
      assert.equal(
        same.some((r) => r.subject === "b" && r.check === "instance"),
        false,
      );

      const otherDir = join(clones.dir, "other");
      await mkdir(otherDir, { recursive: true });
      const other = await resolvedConfig(otherDir, { repositories: [{ path: repo, name: "b" }] });
      const results = await runDoctor(other, { env: process.env });
      assert.match(
        line(results, "machine", "instance").message,
        /no autosync is running with this config/,
      );
      const served = line(results, "b", "instance");
      assert.equal(served.status, "warning");
      assert.match(
        served.message,
        /another autosync \(pid \d+ on doctor-test, another config\) already serves/,
      );
      assert.match(served.message, /would exit 3/);
    } finally {
      await daemon.stop();
    }
  });

  test("a config that does not validate prints its errors and exits 1", async () => {
    const file = join(clones.dir, "broken.yaml");
    await writeFile(file, "version: 1\nrepositories:\n  - path: 42\n    recipe: svn\n");
    const { code, stdout, stderr } = await doctorCli(["--config", file], clones.dir);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.match(stderr, /the config has \d+ errors?/);
    assert.match(stderr, /broken\.yaml:\d+:\d+/);
  });

  test("a wrong flag is a usage error, exit 2", async () => {
    const { code, stderr } = await doctorCli(["--frobnicate"], clones.dir);
    assert.equal(code, 2);
    assert.match(stderr, /autosync doctor: .*frobnicate/);
  });
});
