import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { startEmbeddedBroker } from "../src/channels/embedded-broker.js";
import type { AutosyncEvent } from "../src/events/autosync-event.js";
import { startProsody } from "../test/support/prosody-server.js";
import { SyncFixture, type AutosyncProcess } from "../test/support/sync-fixture.js";
import { withScope, type BenchScope } from "./bench-scope.js";
import { rawChain, type RawGitResult } from "./latency.js";
import { percentile, summarize, type Summary } from "./percentiles.js";

export type ChannelName = "xmpp" | "mqtt";

/**
 * pullInterval 0: no interval pull, so only the channel's announcement can bring a change over
 * and the latency has no pull-wait term.
 */
const CHANNEL_TIMERS = {
  commitDelay: "500ms",
  maxCommitDelay: "2s",
  pushDelay: "0ms",
  pullInterval: "0",
};
const DELAYS_MS = { commitDelay: 500, pushDelay: 0 };
const TARGET_SLACK_MS = 250;
const TARGET_DELIVERY_P50_MS = 50;
/** Issue 10: what autosync adds above the delays and the raw chain a person would type. */
const TARGET_OVERHEAD_P50_MS = 100;
const PASSWORD_ENV = "AUTOSYNC_BENCH_XMPP_PASSWORD";
const SECRET_ENV = "AUTOSYNC_BENCH_SECRET";

export interface ChannelLatency {
  channel: ChannelName;
  runs: number;
  failures: number;
  /** Write in A → content in B. */
  latency: Summary;
  /** The raw chain (add -A, commit, push; pull), one sample after each of autosync's. */
  rawChain: RawGitResult;
  /**
   * announcementSent (A) → announcementReceived (B), both stamped when their JSON line reached
   * this process. announcementSent is published once the channel's send resolved (for MQTT
   * QoS 1 after the broker's PUBACK), so it can come after the receiver already has it.
   */
  delivery: Summary;
  /**
   * pushed (A) → announcementReceived (B): the hand-over to the channel (encode, sign, send)
   * included, so an upper bound of the channel's own delivery that a late announcementSent
   * cannot make look shorter. The delivery target is checked on both.
   */
  pushedToReceived: Summary;
  targetLatencyP50Ms: number;
  latencyTargetMet: boolean;
  targetDeliveryP50Ms: number;
  deliveryTargetMet: boolean;
  /** latency p50 − (commitDelay + pushDelay) − raw chain p50. */
  overheadP50Ms: number;
  targetOverheadP50Ms: number;
  overheadTargetMet: boolean;
  /**
   * Where the latency goes: p50 of each step between consecutive stamped events of one run
   * (write → A saw it → … → B pulled → content seen), over the runs that showed every event.
   */
  stages: { step: string; p50: number; runs: number }[];
}

/**
 * The events of one run, in the order they happen, each the first of its kind after the write.
 * "operationStarted"/"operationFinished" carry the operation, so status, commit, push and pull
 * are told apart; A's events come from A's log, B's from B's.
 */
const STAGE_MARKS: { name: string; side: "a" | "b"; is: (e: AutosyncEvent) => boolean }[] = [
  { name: "A saw the change", side: "a", is: (e) => e.type === "changesDetected" },
  ...(["status", "commit", "push"] as const).flatMap((op) => [
    {
      name: `A ${op} started`,
      side: "a" as const,
      is: (e: AutosyncEvent) => e.type === "operationStarted" && e.operation === op,
    },
    {
      name: `A ${op} finished`,
      side: "a" as const,
      is: (e: AutosyncEvent) => e.type === "operationFinished" && e.operation === op,
    },
  ]),
  { name: "A announcementSent", side: "a", is: (e) => e.type === "announcementSent" },
  { name: "B announcementReceived", side: "b", is: (e) => e.type === "announcementReceived" },
  {
    name: "B pull started",
    side: "b",
    is: (e) => e.type === "operationStarted" && e.operation === "pull",
  },
  {
    name: "B pull finished",
    side: "b",
    is: (e) => e.type === "operationFinished" && e.operation === "pull",
  },
];

/** Stamps of STAGE_MARKS for one run (undefined where the event did not come), then `seenAt`. */
function stageStamps(
  logA: readonly StampedEvent[],
  logB: readonly StampedEvent[],
  started: number,
  seenAt: number,
): (number | undefined)[] {
  const stamps: (number | undefined)[] = [started];
  let after = started;
  for (const mark of STAGE_MARKS) {
    const log = mark.side === "a" ? logA : logB;
    const found = log.find((s) => s.at >= after && mark.is(s.event));
    stamps.push(found?.at);
    if (found) after = found.at;
  }
  stamps.push(seenAt);
  return stamps;
}

function stageSummary(runs: (number | undefined)[][]): ChannelLatency["stages"] {
  const names = ["write", ...STAGE_MARKS.map((m) => m.name), "content seen in B"];
  return names.slice(1).map((name, i) => {
    const steps = runs.flatMap((stamps) => {
      const [from, to] = [stamps[i], stamps[i + 1]];
      return from !== undefined && to !== undefined ? [to - from] : [];
    });
    return { step: `${names[i]} → ${name}`, p50: percentile(steps, 50), runs: steps.length };
  });
}

export interface ChannelsResult {
  delays: typeof DELAYS_MS & { pullInterval: 0; expectedMs: number };
  /** Measured in the same run, alternating with each channel's samples (the first channel's). */
  rawGit: RawGitResult | undefined;
  channels: ChannelLatency[];
  /** A channel whose setup failed; the other is still measured. */
  failed: { channel: ChannelName; message: string }[];
}

interface StampedEvent {
  at: number;
  event: AutosyncEvent;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stamps every JSON event line of a daemon when it arrives here. The events carry no time of
 * their own; both daemons write to pipes this process reads, so the two stamps share one clock
 * and the same small pipe delay.
 */
function stampEvents(proc: AutosyncProcess): StampedEvent[] {
  const stamped: StampedEvent[] = [];
  let buffer = "";
  proc.child.stdout?.on("data", (chunk: string | Buffer) => {
    const at = performance.now();
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        const event = JSON.parse(line) as AutosyncEvent;
        if (event && typeof event === "object" && "type" in event) stamped.push({ at, event });
      } catch {
        // Not an event: AutosyncProcess keeps stray lines for the error report.
      }
    }
  });
  return stamped;
}

export async function channelConfig(
  scope: BenchScope,
  channel: ChannelName,
): Promise<{ channels: (host: string) => Record<string, unknown>; env: NodeJS.ProcessEnv }> {
  const env: NodeJS.ProcessEnv = { [SECRET_ENV]: "bench-secret" };
  // Signed like a real setup: the HMAC is part of what a channel costs.
  const secret = { env: SECRET_ENV };
  if (channel === "xmpp") {
    const prosody = await startProsody();
    scope.after(() => prosody.cleanup());
    const jid = await prosody.register("bench", "bench-pw");
    env[PASSWORD_ENV] = "bench-pw";
    return {
      env,
      channels: (host) => ({
        xmpp: {
          jid,
          password: { env: PASSWORD_ENV },
          resource: `autosync-${host}`,
          service: prosody.service,
        },
        secret,
      }),
    };
  }
  const broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0 });
  scope.after(() => broker.close());
  return { env, channels: () => ({ mqtt: { url: broker.url, topicPrefix: "bench" }, secret }) };
}

async function measureChannel(channel: ChannelName, runs: number): Promise<ChannelLatency> {
  return withScope(async (scope) => {
    // The raw chain alternates with autosync's runs: the box's load hits both alike.
    const chain = await rawChain(scope);
    // The server first: scope cleanups run in reverse, so the daemons stop before it goes.
    const { channels, env } = await channelConfig(scope, channel);
    const fixture = await SyncFixture.create(scope, {
      prefix: `autosync-bench-${channel}-`,
      timers: CHANNEL_TIMERS,
    });
    const procs: AutosyncProcess[] = [];
    const logs: StampedEvent[][] = [];
    for (const copy of fixture.copies) {
      await writeFile(
        copy.configPath,
        stringify({ ...fixture.configFor(copy), channels: channels(copy.host) }),
      );
      const proc = await fixture.start(copy, { waitReady: false, env });
      logs.push(stampEvents(proc));
      procs.push(proc);
    }
    for (const proc of procs) {
      await proc.waitForEvent(
        `${proc.copy.host} connected over ${channel}`,
        (e) => e.type === "channelStatus" && e.channel === channel && e.status === "connected",
      );
    }
    const [a, b] = fixture.copies as [(typeof fixture.copies)[0], (typeof fixture.copies)[0]];
    const [logA, logB] = logs as [StampedEvent[], StampedEvent[]];
    // Let the startup pulls finish so the first run does not queue behind them.
    await sleep(1000);

    const latencies: number[] = [];
    const deliveries: number[] = [];
    const pushedToReceived: number[] = [];
    const stages: (number | undefined)[][] = [];
    let failures = 0;
    for (let i = 0; i < runs; i++) {
      const name = `${channel}-${i}.txt`;
      const content = `run ${i} via ${channel} ${Date.now()}\n`;
      const fromA = logA.length;
      const fromB = logB.length;
      const started = performance.now();
      await writeFile(join(a.path, name), content);
      // 10 s is ten times the expected latency: a run that takes longer is a failure (and
      // counted), not a sample.
      const deadline = started + 10_000;
      let arrived = false;
      while (performance.now() < deadline) {
        const seen = await readFile(join(b.path, name), "utf8").catch(() => undefined);
        if (seen === content) {
          arrived = true;
          break;
        }
        await sleep(2);
      }
      if (!arrived) {
        failures++;
        await sleep(1000);
        continue;
      }
      const seenAt = performance.now();
      latencies.push(seenAt - started);
      // Let both sides settle (B's merge done, its events written) so runs do not overlap.
      await sleep(300);
      stages.push(stageStamps(logA.slice(fromA), logB.slice(fromB), started, seenAt));
      await chain.once();
      const pushed = logA
        .slice(fromA)
        .find((s) => s.event.type === "pushed" && s.event.repo === a.name);
      const head = pushed?.event.type === "pushed" ? pushed.event.head : undefined;
      const sent = logA
        .slice(fromA)
        .find(
          (s) =>
            s.event.type === "announcementSent" &&
            s.event.channel === channel &&
            s.event.head === head,
        );
      const received = logB
        .slice(fromB)
        .find(
          (s) =>
            s.event.type === "announcementReceived" &&
            s.event.channel === channel &&
            (s.event.head === undefined || s.event.head === head),
        );
      if (pushed && received) pushedToReceived.push(received.at - pushed.at);
      if (sent && received) deliveries.push(received.at - sent.at);
    }
    const latency = summarize(latencies);
    const delivery = summarize(deliveries);
    const rawGit = chain.result();
    const targetLatencyP50Ms =
      DELAYS_MS.commitDelay + DELAYS_MS.pushDelay + rawGit.total.p50 + TARGET_SLACK_MS;
    const overheadP50Ms =
      latency.p50 - DELAYS_MS.commitDelay - DELAYS_MS.pushDelay - rawGit.total.p50;
    const errors = procs.flatMap((p) => p.eventsOf("error"));
    if (errors.length) {
      process.stderr.write(`[bench] ${channel}: daemon errors: ${JSON.stringify(errors)}\n`);
    }
    return {
      channel,
      runs,
      failures,
      rawChain: rawGit,
      latency,
      delivery,
      pushedToReceived: summarize(pushedToReceived),
      targetLatencyP50Ms,
      latencyTargetMet: failures === 0 && latency.p50 <= targetLatencyP50Ms,
      targetDeliveryP50Ms: TARGET_DELIVERY_P50_MS,
      overheadP50Ms,
      targetOverheadP50Ms: TARGET_OVERHEAD_P50_MS,
      overheadTargetMet: failures === 0 && overheadP50Ms <= TARGET_OVERHEAD_P50_MS,
      stages: stageSummary(stages),
      deliveryTargetMet:
        delivery.runs > 0 &&
        delivery.p50 <= TARGET_DELIVERY_P50_MS &&
        pushedToReceived.length > 0 &&
        percentile(pushedToReceived, 50) <= TARGET_DELIVERY_P50_MS,
    };
  });
}

/** Write in A, content in B, through XMPP (real prosody) and MQTT (embedded broker). */
export async function measureChannels(
  runs: number,
  channels: ChannelName[] = ["xmpp", "mqtt"],
): Promise<ChannelsResult> {
  const results: ChannelLatency[] = [];
  const failed: ChannelsResult["failed"] = [];
  for (const channel of channels) {
    process.stderr.write(`[bench] channels: ${runs} runs through ${channel}\n`);
    try {
      results.push(await measureChannel(channel, runs));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`[bench] channel ${channel} failed: ${message}\n`);
      failed.push({ channel, message });
    }
  }
  return {
    delays: {
      ...DELAYS_MS,
      pullInterval: 0,
      expectedMs: DELAYS_MS.commitDelay + DELAYS_MS.pushDelay,
    },
    rawGit: results[0]?.rawChain,
    channels: results,
    failed,
  };
}
