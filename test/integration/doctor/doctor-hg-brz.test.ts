import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeTempDir } from "../../support/temp-dir.js";
import { runDoctor } from "../../../src/doctor/run-doctor.js";
import { freePort } from "../../support/free-port.js";
import {
  assertAllOk,
  doctorCli,
  line,
  REPOSITORY_CHECKS,
  resolvedConfig,
  snapshotTree,
  writeConfig,
} from "./doctor-support.js";

// Real hg and brz: a central repository or branch and one clone each, this process's own HOME.
describe("autosync doctor on healthy hg and brz clones", { timeout: 120_000 }, () => {
  let temp: { dir: string; cleanup: () => Promise<void> };
  let hgClone: string;
  let brzClone: string;
  let hgRemote: string;
  let brzRemote: string;

  const run = (cwd: string, program: string, ...args: string[]) =>
    execFileSync(program, args, { cwd, encoding: "utf8", env: { ...process.env, HGPLAIN: "1" } });

  before(async () => {
    temp = await makeTempDir("autosync-doctor-hg-brz-");
    process.env.HOME = temp.dir;
    process.env.HGRCPATH = join(temp.dir, "hgrc");
    await writeFile(
      process.env.HGRCPATH,
      "[ui]\nusername = Doctor Test <doctor@example.invalid>\n",
    );
    process.env.BRZ_EMAIL = "Doctor Test <doctor@example.invalid>";

    hgRemote = join(temp.dir, "hg-remote");
    hgClone = join(temp.dir, "hg-clone");
    run(temp.dir, "hg", "init", hgRemote);
    run(temp.dir, "hg", "clone", "-q", hgRemote, hgClone);
    await writeFile(join(hgClone, "seed.txt"), "seed\n");
    run(hgClone, "hg", "add", "-q", "seed.txt");
    run(hgClone, "hg", "commit", "-q", "-m", "seed");
    run(hgClone, "hg", "push", "-q");

    brzRemote = join(temp.dir, "brz-remote");
    brzClone = join(temp.dir, "brz-clone");
    run(temp.dir, "brz", "init", "-q", brzRemote);
    await writeFile(join(brzRemote, "seed.txt"), "seed\n");
    run(brzRemote, "brz", "add", "-q", "seed.txt");
    run(brzRemote, "brz", "commit", "-q", "-m", "seed");
    run(temp.dir, "brz", "branch", "-q", brzRemote, brzClone);
  });
  after(() => temp?.cleanup());

  test("every hg and brz line is ok, exit 0, and neither clones nor remotes changed", async () => {
    const config = await writeConfig(temp.dir, {
      repositories: [
        { path: hgClone, name: "hg-notes", recipe: "hg" },
        { path: brzClone, name: "brz-notes", recipe: "bzr" },
      ],
    });
    const trees = [hgClone, hgRemote, brzClone, brzRemote];
    const before = await Promise.all(trees.map((tree) => snapshotTree(tree)));

    const { code, stdout, stderr } = await doctorCli(["--config", config], temp.dir);

    assert.equal(stderr, "");
    assert.equal(code, 0, stdout);
    for (const [name, program] of [
      ["hg-notes", "hg"],
      ["brz-notes", "brz"],
    ] as const) {
      assertAllOk(stdout, name, REPOSITORY_CHECKS);
      assert.match(stdout, new RegExp(`^ok\\s+${name}\\s+dvcs\\s+${program} \\d+\\.\\d+`, "m"));
      assert.match(
        stdout,
        new RegExp(`^ok\\s+${name}\\s+identity\\s+commits as .*doctor@example\\.invalid`, "m"),
      );
    }
    assert.match(stdout, /^ok\s+hg-notes\s+upstream\s+branch default pushes to .*hg-remote/m);
    for (const [index, tree] of trees.entries()) {
      assert.deepEqual(await snapshotTree(tree), before[index], `${tree} changed`);
    }
  });

  test("unreachable hg and brz remotes: a missing path, a closed ssh port, no remote at all", async (t) => {
    const hgrc = join(hgClone, ".hg", "hgrc");
    const savedHgrc = await readFile(hgrc, "utf8");
    t.after(async () => {
      await writeFile(hgrc, savedHgrc);
      run(brzClone, "brz", "config", "--scope=branch", `parent_location=${brzRemote}`);
    });
    const config = await resolvedConfig(temp.dir, {
      repositories: [
        { path: hgClone, name: "hg-notes", recipe: "hg" },
        { path: brzClone, name: "brz-notes", recipe: "bzr" },
      ],
    });
    const verdicts = async (hgDefault: string | undefined, brzParent: string | undefined) => {
      await writeFile(hgrc, hgDefault === undefined ? "" : `[paths]\ndefault = ${hgDefault}\n`);
      if (brzParent === undefined)
        run(brzClone, "brz", "config", "--scope=branch", "--remove", "parent_location");
      else run(brzClone, "brz", "config", "--scope=branch", `parent_location=${brzParent}`);
      return runDoctor(config, { env: process.env, networkTimeoutMs: 5_000 });
    };

    const missing = await verdicts(join(temp.dir, "no-such-hg"), join(temp.dir, "no-such-brz"));
    for (const name of ["hg-notes", "brz-notes"]) {
      const remote = line(missing, name, "remote");
      assert.equal(remote.status, "problem", name);
      assert.match(remote.message, /cannot reach .*no-such-.*holds no \.(hg|bzr)/);
    }

    const port = await freePort();
    const closed = await verdicts(
      `ssh://doctor@127.0.0.1:${port}/x`,
      `bzr+ssh://127.0.0.1:${port}/x`,
    );
    for (const name of ["hg-notes", "brz-notes"]) {
      const remote = line(closed, name, "remote");
      assert.equal(remote.status, "problem", name);
      assert.match(remote.message, /cannot reach .*127\.0\.0\.1/, remote.message);
    }

    const none = await verdicts(undefined, undefined);
    assert.match(line(none, "hg-notes", "upstream").fix ?? "", /default = URL/);
    assert.match(line(none, "brz-notes", "upstream").fix ?? "", /brz pull --remember URL/);
    assert.equal(line(none, "hg-notes", "upstream").status, "problem");
    assert.equal(
      none.some((result) => result.check === "remote"),
      false,
    );
  });
});
