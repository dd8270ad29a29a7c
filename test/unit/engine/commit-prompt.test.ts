import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { T0, localTree, type EngineSimulator } from "../../support/engine-simulator.js";

// localTree uses testConfig: commitDelay 1 s, maxCommitDelay 10 s.
const commitMessages = (sim: EngineSimulator): string[] =>
  sim.operationsOf("commit").map((commit) => commit.message);

describe("commit-message prompt", () => {
  test("an open prompt holds the quiet-period commit; Enter commits the held change with the typed message", () => {
    const { sim, save } = localTree();
    sim.send({ type: "commitPromptOpened" });
    save("todo.md");
    sim.advance(2_000);
    assert.deepEqual(sim.kinds(), [], "the quiet period (1 s) ended while the prompt was open");
    assert.equal(sim.snapshot().pendingCount, 1);
    assert.equal(sim.snapshot().nextCommitAt, T0 + 10_000, "held at most until maxCommitDelay");
    assert.deepEqual(sim.snapshot().commitPrompt, { openedAt: T0 });

    sim.send({ type: "commitRequested", message: "Plan the week" });
    assert.deepEqual(sim.kinds(), ["status", "commit"]);
    assert.equal(sim.operationsOf("commit")[0]?.entries[0]?.path, "todo.md");
    assert.match(commitMessages(sim)[0] ?? "", /^Plan the week\n/);
    assert.equal(sim.snapshot().commitPrompt, undefined, "Enter closed the hold");

    sim.advance(20_000);
    assert.equal(sim.operationsOf("commit").length, 1, "no second commit with the default message");
    assert.equal(sim.snapshot().nextCommitAt, undefined);
  });

  test("the hold ends at maxCommitDelay: the default message is used and the prompt is told", () => {
    const { sim, save } = localTree();
    save("todo.md");
    sim.advance(500);
    sim.send({ type: "commitPromptOpened" });
    sim.advance(9_400);
    assert.deepEqual(sim.kinds(), [], "held up to 10 s after the first change");
    save("ideas.md");
    sim.advance(99);
    assert.deepEqual(sim.kinds(), []);
    sim.advance(1);
    assert.deepEqual(sim.kinds(), ["status", "commit"], "at maxCommitDelay, not later");
    assert.equal(sim.now, T0 + 10_000);
    assert.equal(sim.operationsOf("commit")[0]?.entries.length, 2);
    assert.match(commitMessages(sim)[0] ?? "", /^autosync laptop: 2 modified\n/);
    assert.deepEqual(sim.snapshot().commitPrompt, {
      openedAt: T0 + 500,
      defaultUsedAt: T0 + 10_000,
    });
    assert.ok(
      sim
        .eventsOf("info")
        .some((e) => /maxCommitDelay \(10 s\): committed with the default/.test(e.message)),
      "an event says the default message was used",
    );

    // Still open: the next change waits for the message again.
    save("later.md");
    sim.advance(5_000);
    assert.equal(sim.operationsOf("commit").length, 1);
    sim.send({ type: "commitRequested", message: "Later" });
    assert.match(commitMessages(sim)[1] ?? "", /^Later\n/);
  });

  test("Esc releases the hold: the held change is committed at once with the default message", () => {
    const { sim, save } = localTree();
    sim.send({ type: "commitPromptOpened" });
    save("todo.md");
    sim.advance(3_000);
    assert.deepEqual(sim.kinds(), []);
    sim.send({ type: "commitPromptClosed" });
    sim.advance(0);
    assert.deepEqual(sim.kinds(), ["status", "commit"]);
    assert.match(commitMessages(sim)[0] ?? "", /^autosync laptop: 1 modified\n/);
    assert.equal(sim.snapshot().commitPrompt, undefined);
  });

  test("Esc before the quiet period ended changes nothing about its timing", () => {
    const { sim, save } = localTree();
    sim.send({ type: "commitPromptOpened" });
    save("todo.md");
    sim.advance(300);
    sim.send({ type: "commitPromptClosed" });
    sim.advance(699);
    assert.deepEqual(sim.kinds(), []);
    sim.advance(1);
    assert.deepEqual(sim.kinds(), ["status", "commit"]);
  });

  test("with nothing pending a typed message makes no commit and is reported as unused", () => {
    const { sim } = localTree();
    sim.send({ type: "commitPromptOpened" });
    sim.send({ type: "commitRequested", message: "Nothing here" });
    sim.advance(20_000);
    assert.equal(sim.operationsOf("commit").length, 0);
    assert.ok(
      sim.eventsOf("info").some((e) => e.message.includes("“Nothing here” was not used")),
      "the message is not dropped silently",
    );
  });

  test("a pull waits behind the held commit and runs after it", () => {
    const { sim, save } = localTree();
    sim.send({ type: "commitPromptOpened" });
    save("todo.md");
    sim.advance(2_000);
    sim.send({ type: "announcementReceived", channel: "mqtt", fromHost: "desktop" });
    assert.deepEqual(sim.kinds(), [], "the pull does not commit the held change itself");
    sim.send({ type: "commitRequested", message: "Mine" });
    sim.advance(3_000);
    assert.deepEqual(
      sim
        .kinds()
        .filter((kind) => kind !== "status")
        .slice(0, 2),
      ["commit", "pull"],
    );
    assert.match(commitMessages(sim)[0] ?? "", /^Mine\n/);
  });
});
