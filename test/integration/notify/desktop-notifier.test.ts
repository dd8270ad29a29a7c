import { after, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { EventBus } from "../../../src/events/event-bus.js";
import { createNotifier } from "../../../src/notify/desktop-notifier.js";
import { systemClock } from "../../../src/runtime/clock.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { waitFor } from "../../support/wait-for.js";

const temp = await makeTempDir("autosync-notify-send-");
after(() => temp.cleanup());

test(
  "on Linux the real node-notifier runs notify-send with the title and message as arguments",
  { skip: process.platform !== "linux" && "notify-send is the Linux backend" },
  async () => {
    // A stand-in notify-send that records its argv: this machine has no desktop, but the
    // command line node-notifier builds is exactly what a desktop would receive.
    const record = join(temp.dir, "argv.txt");
    const script = join(temp.dir, "notify-send");
    await writeFile(
      script,
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > ${JSON.stringify(record)}\n`,
    );
    await chmod(script, 0o755);
    const env = {
      ...process.env,
      PATH: `${temp.dir}${delimiter}${process.env.PATH ?? ""}`,
      DISPLAY: ":0",
    };
    // node-notifier looks notify-send up on the process's own PATH.
    process.env.PATH = env.PATH;
    const notifier = createNotifier(
      {
        desktop: {
          enabled: true,
          coalesceMs: 10_000,
          kinds: {
            pushed: true,
            pulled: true,
            conflict: true,
            error: true,
            offline: true,
            online: true,
          },
        },
      },
      { bus: new EventBus(systemClock), env },
    );
    notifier.notify(
      "conflict",
      "autosync: conflict in notes",
      "kept both: a.txt and a (conflict laptop).txt",
    );
    // Wait for the complete record, not just the file: an empty read must not count as done.
    const argv = await waitFor("notify-send ran", async () => {
      const lines = (await readFile(record, "utf8").catch(() => "")).split("\n");
      return lines.includes("autosync: conflict in notes") ? lines : undefined;
    });
    notifier.stop();
    assert.ok(argv.includes("autosync: conflict in notes"), argv.join(" | "));
    assert.ok(argv.includes("kept both: a.txt and a (conflict laptop).txt"), argv.join(" | "));
  },
);
