import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Notifier } from "../channels/announcer.js";
import type { ResolvedNotify } from "../config/resolved-config.js";
import type { NoticeKind } from "../engine/pipeline.js";
import type { EventBus } from "../events/event-bus.js";
import { notifyMessages } from "../messages/notify-messages.js";
import { type Clock, type TimerHandle, systemClock } from "../runtime/clock.js";

/** What is handed to node-notifier; tests inject a recorder in its place. */
export interface DesktopNotice {
  title: string;
  message: string;
  appName: string;
  wait: false;
}

export type SendNotice = (notice: DesktopNotice, callback: (error: Error | null) => void) => void;

export interface NotifierOptions {
  bus: EventBus;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Defaults to node-notifier's `notify`. */
  send?: SendNotice;
}

interface Window {
  timer: TimerHandle;
  count: number;
  latestBody?: string;
}

/**
 * node-notifier is imported at the first notice: most runs never show one (notices are off, or
 * there is no desktop session), and its module tree would otherwise stay resident all along.
 */
const sendWithNodeNotifier: SendNotice = (notice, callback) => {
  import("node-notifier")
    .then(({ default: nodeNotifier }) => {
      nodeNotifier.notify(notice, (error) => callback(error ?? null));
    })
    .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
};

/**
 * Why desktop notices cannot work here, or undefined when they can. Only Linux is checked:
 * node-notifier shells out to `notify-send`, which needs a session bus or a display; on macOS
 * and Windows it ships its own helper.
 */
export function desktopUnavailableReason(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): string | undefined {
  if (platform !== "linux" && platform !== "freebsd" && platform !== "openbsd") return undefined;
  const onPath = (env.PATH ?? "").split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, "notify-send"), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!onPath) return notifyMessages.noNotifySend;
  if (!env.DBUS_SESSION_BUS_ADDRESS && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return notifyMessages.noSession;
  }
  return undefined;
}

/**
 * Desktop popups per notice kind, each switchable. A burst never floods the desktop: the first
 * notice of a kind shows at once, the rest within `coalesceMs` fold into one popup with a
 * count when the window closes ("autosync: 3 pushes").
 */
export class DesktopNotifier implements Notifier {
  private readonly windows = new Map<NoticeKind, Window>();
  private readonly clock: Clock;
  private readonly send: SendNotice;
  private available: boolean | undefined;
  private failureLogged = false;
  private stopped = false;

  constructor(
    private readonly config: ResolvedNotify,
    private readonly options: NotifierOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.send = options.send ?? sendWithNodeNotifier;
  }

  notify(kind: NoticeKind, title: string, body: string): void {
    const desktop = this.config.desktop;
    if (this.stopped || !desktop.enabled || !desktop.kinds[kind]) return;
    if (!this.isAvailable()) return;
    const open = this.windows.get(kind);
    if (open) {
      open.count += 1;
      open.latestBody = body;
      return;
    }
    this.show(title, body);
    this.openWindow(kind);
  }

  stop(): void {
    this.stopped = true;
    for (const window of this.windows.values()) this.clock.clearTimeout(window.timer);
    this.windows.clear();
  }

  private openWindow(kind: NoticeKind): void {
    const window: Window = {
      count: 0,
      timer: this.clock.setTimeout(() => {
        this.windows.delete(kind);
        if (window.count === 0 || this.stopped) return;
        this.show(
          notifyMessages.coalescedTitle(kind, window.count),
          notifyMessages.coalescedBody(window.latestBody ?? ""),
        );
        this.openWindow(kind);
      }, this.config.desktop.coalesceMs),
    };
    this.windows.set(kind, window);
  }

  private isAvailable(): boolean {
    if (this.available !== undefined) return this.available;
    const reason = desktopUnavailableReason(
      this.options.env ?? process.env,
      this.options.platform ?? process.platform,
    );
    this.available = reason === undefined;
    if (reason !== undefined) {
      this.options.bus.publish({
        type: "info",
        message: notifyMessages.unavailable(reason),
      });
    }
    return this.available;
  }

  private show(title: string, message: string): void {
    try {
      this.send({ title, message, appName: "autosync", wait: false }, (error) => {
        if (error) this.failed(error);
      });
    } catch (error) {
      this.failed(error);
    }
  }

  /** A failing notifier is logged once: it must not turn every push into a warning. */
  private failed(error: unknown): void {
    if (this.failureLogged) return;
    this.failureLogged = true;
    this.options.bus.publish({
      type: "warning",
      message: notifyMessages.failed(error instanceof Error ? error.message : String(error)),
      hint: notifyMessages.unavailableHint,
    });
  }
}

export function createNotifier(notify: ResolvedNotify, options: NotifierOptions): Notifier {
  return new DesktopNotifier(notify, options);
}
