/**
 * What the terminal UI costs with 20,000 pending paths and a busy bus: milliseconds per frame
 * and bytes written per frame. Run: npx tsx bench/ui-render.ts [seconds]
 */
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import { startUi } from "../src/ui/start-ui.js";
import { MemoryDaemonView, snapshotOf } from "../test/support/memory-daemon-view.js";

class Terminal extends EventEmitter {
  columns = 100;
  rows = 30;
  isTTY = false;
  frames = 0;
  bytes = 0;
  write = (frame: string, ...rest: unknown[]): boolean => {
    this.frames++;
    this.bytes += Buffer.byteLength(frame);
    const callback = rest.find((argument) => typeof argument === "function") as
      (() => void) | undefined;
    if (callback) queueMicrotask(callback);
    return true;
  };
}

class Keyboard extends EventEmitter {
  isTTY = true;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read(): null {
    return null;
  }
}

const seconds = Number(process.argv[2] ?? 5);
const paths = Array.from(
  { length: 20_000 },
  (_, index) => `data/dir-${index % 100}/file-${index}.bin`,
);
const view = new MemoryDaemonView([
  snapshotOf("left", {
    state: "pending",
    running: "status",
    pendingCount: 20_000,
    pendingSample: paths.slice(0, 20),
  }),
  snapshotOf("right", { state: "pulling", running: "pull", pendingCount: 0, pendingSample: [] }),
]);
const terminal = new Terminal();
let renderMs = 0;
const ui = startUi(view, {
  stdout: terminal as unknown as NodeJS.WriteStream,
  stdin: new Keyboard() as unknown as NodeJS.ReadStream,
  debug: true,
  colors: true,
});
// A busy bus: 2,000 events a second (a checkout touching many files), each a log candidate.
const burst = setInterval(() => {
  const started = performance.now();
  for (let index = 0; index < 200; index++)
    view.bus.publish({
      type: "changesDetected",
      repo: "left",
      count: 20_000,
      sample: paths.slice(index, index + 3),
    });
  renderMs += performance.now() - started;
}, 100);
const cpuBefore = process.cpuUsage();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
clearInterval(burst);
const cpu = process.cpuUsage(cpuBefore);
ui.unmount();
const result = {
  seconds,
  frames: terminal.frames,
  framesPerSecond: +(terminal.frames / seconds).toFixed(1),
  kbPerFrame: +(terminal.bytes / terminal.frames / 1024).toFixed(1),
  cpuPercent: +(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100).toFixed(1),
  publishMsPer1000Events: +((renderMs / (seconds * 2000)) * 1000).toFixed(2),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
