import type { ResolvedNotify } from "../config/resolved-config.js";
import { doctorMessages as messages } from "../messages/doctor-messages.js";
import { desktopUnavailableReason } from "../notify/desktop-notifier.js";
import { type CheckResult, ok, warning } from "./check-result.js";

/** Desktop notices: off in the config, or the way the notifier finds notify-send and a session. */
export function checkDesktop(
  notify: ResolvedNotify,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): CheckResult {
  if (!notify.desktop.enabled) return ok("machine", "desktop", messages.desktopOff);
  const reason = desktopUnavailableReason(env, platform);
  if (reason === undefined) return ok("machine", "desktop", messages.desktopAvailable);
  return warning("machine", "desktop", messages.desktopUnavailable(reason));
}
