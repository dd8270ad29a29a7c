import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import type { HistoryChange } from "../../../src/operations/history-change.js";
import { runAutosyncCli, type CliRun } from "../../support/autosync-cli.js";
import {
  readFileIn,
  SyncFixture,
  type AutosyncProcess,
  type WorkingCopy,
} from "../../support/sync-fixture.js";
import { waitFor } from "../../support/wait-for.js";

// Needs `npm run build`: the daemons run dist/cli/main.js; history and restore run from source.

const SYNC_TIMEOUT = { timeoutMs: 60_000, intervalMs: 100 };

function json(run: CliRun): HistoryChange[] {
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as HistoryChange[];
}

for (const dvcs of ["git", "hg", "bzr"] as const) {
  describe(`history and restore with running daemons (${dvcs})`, () => {
    test("same identity everywhere: history names each machine; a restore on B arrives on A", async (t) => {
      const fixture = await SyncFixture.create(t, { dvcs, prefix: `autosync-histd-${dvcs}-` });
      // The machine's name comes from AUTOSYNC_HOST, not the config: both configs are alike
      // and both machines commit as the same user (the fixture's one identity).
      const configs = new Map<WorkingCopy, string>();
      for (const copy of fixture.copies) {
        const { host: _host, ...config } = fixture.configFor(copy);
        const file = join(fixture.dir, `no-host-${copy.index}.yaml`);
        await writeFile(file, stringify(config));
        configs.set(copy, file);
      }
      // One user identity configured for every machine, as a user's dotfiles would.
      await fixture.run("git", ["config", "--global", "user.name", "Same Person"]);
      await fixture.run("git", ["config", "--global", "user.email", "same@example.invalid"]);
      await writeFile(
        join(fixture.home, ".hgrc"),
        "[ui]\nusername = Same Person <same@example.invalid>\n",
      );
      const [a, b] = [fixture.copy(0), fixture.copy(1)];
      const cli = (copy: WorkingCopy, args: string[]) =>
        runAutosyncCli(args, {
          cwd: copy.path,
          env: { ...fixture.env, AUTOSYNC_HOST: copy.host },
          config: configs.get(copy),
        });
      const daemons: AutosyncProcess[] = [];
      for (const copy of [a, b])
        daemons.push(
          await fixture.start(copy, {
            configPath: configs.get(copy),
            env: { AUTOSYNC_HOST: copy.host },
          }),
        );
      // A wait that times out says what both daemons did.
      const explained = <T>(waiting: Promise<T>) =>
        waiting.catch((error: unknown) => {
          const told = daemons.map((daemon) => daemon.describe(60)).join("\n");
          throw new Error(`${error instanceof Error ? error.message : String(error)}\n${told}`);
        });

      await writeFile(join(a.path, "notes.md"), "from alpha\n");
      await writeFile(join(a.path, "gone – ü.txt"), "short-lived\n");
      await waitFor(
        "alpha's files on beta",
        async () =>
          (await readFileIn(b.path, "notes.md")) === "from alpha\n" &&
          (await readFileIn(b.path, "gone – ü.txt")) !== undefined,
        SYNC_TIMEOUT,
      );
      await writeFile(join(b.path, "notes.md"), "from beta\n");
      await rm(join(b.path, "gone – ü.txt"));
      await explained(
        waitFor(
          "beta's edit and deletion on alpha",
          async () =>
            (await readFileIn(a.path, "notes.md")) === "from beta\n" &&
            (await readFileIn(a.path, "gone – ü.txt")) === undefined,
          SYNC_TIMEOUT,
        ),
      );

      const versions = await waitFor(
        "both machines' versions of notes.md in alpha's history",
        async () => {
          const list = json(await cli(a, ["history", "notes.md", "--json"]));
          return list.length >= 2 ? list : undefined;
        },
        SYNC_TIMEOUT,
      );
      assert.deepEqual(
        versions.map((v) => [v.host, v.files[0]?.action]),
        [
          ["beta", "modified"],
          ["alpha", "added"],
        ],
      );
      for (const version of versions) assert.match(version.author, /Same Person|Autosync Test/);
      assert.equal(versions[0]?.author, versions[1]?.author, "one identity on both machines");
      const deleted = json(await cli(a, ["history", "gone – ü.txt", "--json"]));
      assert.deepEqual(
        deleted.map((v) => [v.host, v.files[0]?.action]),
        [
          ["beta", "deleted"],
          ["alpha", "added"],
        ],
      );
      assert.deepEqual(
        json(await cli(a, ["history", "--host", "beta", "--json"])).every((c) => c.host === "beta"),
        true,
      );

      // On beta, with its daemon running: the restores go through the daemon.
      const modified = await cli(b, ["restore", "notes.md", "--at", versions[1]?.shortId ?? ""]);
      assert.equal(modified.code, 0, modified.stderr);
      assert.match(modified.stdout, /through the running daemon/);
      const back = await cli(b, ["restore", "gone – ü.txt", "--at", deleted[1]?.id ?? ""]);
      assert.equal(back.code, 0, back.stderr);
      await waitFor(
        "the restored versions on alpha",
        async () =>
          (await readFileIn(a.path, "notes.md")) === "from alpha\n" &&
          (await readFileIn(a.path, "gone – ü.txt")) === "short-lived\n",
        SYNC_TIMEOUT,
      );

      const after = await waitFor(
        "beta's restores in alpha's history",
        async () => {
          const list = json(await cli(a, ["history", "--host", "beta", "--json"]));
          const restores = list.filter((c) => /restored/.test(c.message));
          return restores.length === 2 ? restores : undefined;
        },
        SYNC_TIMEOUT,
      );
      assert.deepEqual(
        after.map((c) => c.files.map((f) => [f.path, f.action])),
        [[["gone – ü.txt", "added"]], [["notes.md", "modified"]]],
      );
    });
  });
}
