import type { AutosyncEventBody } from "../events/autosync-event.js";
import type { OperationRequest } from "./operation.js";
import type { NoticeKind } from "./pipeline.js";

/** What `step` asks the runtime to do. Plain data: logged, compared in tests, run by the shell. */
export type Effect =
  | { type: "startTimer"; timer: string; delayMs: number }
  | { type: "cancelTimer"; timer: string }
  | { type: "runOperation"; operation: OperationRequest }
  /** Tell the other machines that this repository was pushed (channels, issue 5). */
  | { type: "announce"; head: string }
  | { type: "notify"; kind: NoticeKind; title: string; body: string }
  | { type: "runCommand"; argv: readonly string[] }
  /** Put an event on the bus (the runtime stamps sequence number and time). */
  | { type: "publish"; event: AutosyncEventBody }
  /** The engine finished its shutdown; the runtime may release the repository. */
  | { type: "stopped" };
