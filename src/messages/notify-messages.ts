import type { NoticeKind } from "../engine/pipeline.js";

const nouns: Record<NoticeKind, [string, string]> = {
  pushed: ["push", "pushes"],
  pulled: ["pull with changes", "pulls with changes"],
  conflict: ["conflict", "conflicts"],
  error: ["error", "errors"],
  offline: ["offline notice", "offline notices"],
  online: ["back-online notice", "back-online notices"],
};

/** Every line the desktop notifier shows or logs. */
export const notifyMessages = {
  /** Title of a popup that stands for several notices of one kind: "autosync: 3 pushes". */
  coalescedTitle: (kind: NoticeKind, count: number) =>
    `autosync: ${count} ${nouns[kind][count === 1 ? 0 : 1]}`,
  coalescedBody: (latest: string) => `Latest: ${latest}`,
  unavailable: (reason: string) => `desktop notices are unavailable: ${reason}`,
  unavailableHint:
    "Syncing goes on; events still appear in the log and `autosync status`. Set notify.desktop.enabled: false to silence this.",
  noNotifySend: "notify-send is not on PATH (Debian/Ubuntu: apt install libnotify-bin)",
  noSession:
    "no graphical session (DBUS_SESSION_BUS_ADDRESS, DISPLAY and WAYLAND_DISPLAY are unset)",
  failed: (detail: string) => `a desktop notice could not be shown: ${detail}`,
} as const;
