import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ResolvedRepository } from "../../../src/config/resolved-config.js";
import type { AutosyncEvent } from "../../../src/events/autosync-event.js";
import { EventBus } from "../../../src/events/event-bus.js";
import { createOperations } from "../../../src/operations/create-operations.js";
import type { OperationRequest } from "../../../src/engine/operation.js";
import type { RepoOperations } from "../../../src/operations/repo-operations.js";
import { FakeClock } from "../../../src/runtime/clock.js";
import { processRunner } from "../../../src/runtime/command-runner.js";
import { RepositoryRunner } from "../../../src/runtime/repository-runner.js";
import type { AnnouncementInfo } from "../../../src/channels/announcer.js";
import { configForClone, makeGitClones, type GitClones } from "../../support/git-clones.js";
import { waitFor } from "../../support/wait-for.js";

let clones: GitClones;
before(async () => {
  clones = await makeGitClones(3, "autosync-runner-");
});
after(async () => {
  await clones?.cleanup();
});

async function repositoryFor(clone: string, host: string): Promise<ResolvedRepository> {
  const config = await configForClone(clones.dir, {
    host,
    clone,
    pidfile: join(clones.dir, `${host}.pid`),
    timers: { commitDelay: "2s", maxCommitDelay: "30s", pushDelay: "1s", pullInterval: "0s" },
  });
  const repository = config.repositories[0];
  assert.ok(repository);
  return repository;
}

/** Real git operations, with a record of what ran and whether two ever overlapped. */
function recorded(operations: RepoOperations) {
  const ran: OperationRequest["kind"][] = [];
  let running = 0;
  let overlapped = false;
  const wrapped: RepoOperations = {
    ...operations,
    describe: () => operations.describe(),
    recoverStaleLocks: () => operations.recoverStaleLocks(),
    async run(request) {
      running++;
      if (running > 1) overlapped = true;
      ran.push(request.kind);
      try {
        return await operations.run(request);
      } finally {
        running--;
      }
    },
  };
  return { wrapped, ran, overlapped: () => overlapped, idle: () => running === 0 };
}

function setup(repository: ResolvedRepository) {
  const clock = new FakeClock(Date.UTC(2026, 10, 25, 12));
  const bus = new EventBus(clock);
  const events: AutosyncEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const operations = recorded(
    createOperations({ root: repository.path, recipe: repository.recipe, runner: processRunner }),
  );
  const announced: AnnouncementInfo[] = [];
  const runner = new RepositoryRunner({
    root: repository.path,
    engine: repository.engine,
    operations: operations.wrapped,
    clock,
    bus,
    commandRunner: processRunner,
    announce: (info) => announced.push(info),
  });
  /** Lets the real operations finish: the fake clock does not move while git runs. */
  const settle = (what: string) =>
    waitFor(what, () => operations.idle() && runner.snapshot().running === undefined);
  return { clock, bus, events, operations, runner, announced, settle };
}

describe("repository runner", () => {
  test("a change is committed only after the quiet period on the injected clock, then pushed and announced", async () => {
    const clone = clones.clones[0] as string;
    const { clock, events, operations, runner, announced, settle } = setup(
      await repositoryFor(clone, "alpha"),
    );
    await runner.start();
    await settle("the startup sync");
    const startupOps = operations.ran.length;
    assert.ok(startupOps >= 1, "startup ran a status");

    await writeFile(join(clone, "note.txt"), "first\n");
    runner.dispatch({ type: "changesObserved", paths: ["note.txt"] });
    clock.advance(1_500);
    runner.dispatch({ type: "changesObserved", paths: ["note.txt"] });
    // The quiet period restarted at 1.5 s: at 3 s (1.5 s after the last change) nothing ran.
    clock.advance(1_500);
    await settle("nothing");
    assert.equal(operations.ran.length, startupOps, "no operation before the quiet period ends");
    assert.equal(runner.snapshot().state, "pending");

    clock.advance(500);
    await waitFor("the commit", () => events.find((event) => event.type === "committed"));
    await settle("the commit");
    clock.advance(1_000);
    await waitFor("the push", () => events.find((event) => event.type === "pushed"));
    await settle("the push");

    const remoteLog = await clones.git(clones.remote, "log", "--format=%s", "main");
    assert.match(remoteLog, /alpha/);
    const remoteFile = await clones.git(clones.remote, "show", "main:note.txt");
    assert.equal(remoteFile, "first\n");
    assert.equal(announced.length, 1);
    assert.ok(announced[0]?.repositoryId, "announced with the repository id from describe()");
    assert.equal(announced[0]?.head, (await clones.git(clone, "rev-parse", "HEAD")).trim());
    assert.equal(operations.overlapped(), false, "operations ran strictly one at a time");
    assert.equal(runner.snapshot().state, "idle");
    assert.equal(runner.snapshot().repo, "notes");
  });

  test("shutdown finishes the operation in flight, cancels every timer and stops", async () => {
    const clone = clones.clones[1] as string;
    const { clock, events, operations, runner, settle } = setup(await repositoryFor(clone, "beta"));
    await runner.start();
    await settle("the startup sync");
    await writeFile(join(clone, "pending.txt"), "x\n");
    runner.dispatch({ type: "changesObserved", paths: ["pending.txt"] });
    clock.advance(2_000);
    // The commit's status is running now (real git): shut down in the middle of it.
    assert.equal(operations.idle(), false, "an operation is in flight");
    runner.dispatch({ type: "shutdownRequested" });
    await runner.stopped;
    assert.equal(operations.idle(), true, "the operation in flight finished before stopped");
    assert.equal(clock.pendingTimers, 0, "no timer left on the clock");
    const count = operations.ran.length;
    clock.advance(600_000);
    assert.equal(operations.ran.length, count, "nothing runs after stopped");
    assert.ok(events.length > 0);
  });

  test("a failing hook becomes a warning event and does not stop syncing", async () => {
    const clone = clones.clones[2] as string;
    const repository = await repositoryFor(clone, "gamma");
    const withHook: ResolvedRepository = {
      ...repository,
      engine: {
        ...repository.engine,
        pipeline: [
          ...repository.engine.pipeline,
          { on: ["startup"], actions: [{ type: "run", argv: ["git", "no-such-subcommand"] }] },
        ],
      },
    };
    const { events, runner, settle } = setup(withHook);
    await runner.start();
    await settle("the startup sync");
    const warning = await waitFor("the hook warning", () =>
      events.find((event) => event.type === "warning" && /hook/.test(event.message)),
    );
    assert.match(warning.type === "warning" ? warning.message : "", /no-such-subcommand/);
    runner.dispatch({ type: "shutdownRequested" });
    await runner.stopped;
  });

  test("a user change waits for the commit in flight, then is committed, pushed and announced", async () => {
    const clone = clones.clones[2] as string;
    const { clock, events, operations, runner, announced, settle } = setup(
      await repositoryFor(clone, "gamma"),
    );
    await runner.start();
    await settle("the startup sync");
    await writeFile(join(clone, "typed.txt"), "the user's edit\n");
    runner.dispatch({ type: "changesObserved", paths: ["typed.txt"] });
    clock.advance(2_000);
    assert.equal(operations.idle(), false, "the engine's commit is in flight");
    const outcome = await runner.applyUserChange(
      [
        {
          op: "write",
          path: "resolved.txt",
          contentBase64: Buffer.from("kept\n").toString("base64"),
        },
      ],
      "autosync gamma: resolved by the user",
    );
    assert.equal(outcome.outcome, "committed");
    await waitFor("both commits", () => events.filter((e) => e.type === "committed").length >= 2);
    await settle("the commits");
    clock.advance(1_000);
    await waitFor("the push", () => events.find((event) => event.type === "pushed"));
    await settle("the push");
    const subjects = await clones.git(clones.remote, "log", "--format=%s", "main");
    assert.match(subjects, /^autosync gamma: resolved by the user$/m);
    assert.equal(await clones.git(clones.remote, "show", "main:typed.txt"), "the user's edit\n");
    assert.equal(operations.overlapped(), false, "the user change never overlapped an operation");
    assert.ok(announced.length >= 1, "the push was announced");
    runner.dispatch({ type: "shutdownRequested" });
    await runner.stopped;
  });
});
