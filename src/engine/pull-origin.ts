/**
 * The machine that announced a push, as a place to pull from first (`peers.pullFromOrigin`):
 * on a LAN the announcing laptop answers faster than the hosted remote. The URL arrives over
 * the network, so it is only ever used when `isSafePullUrl` accepts it.
 */
export interface PullOrigin {
  url: string;
  /** The head the origin announced; lets an operation skip a fetch it does not need. */
  head?: string;
}

/** What became of the origin fetch; never an error: the central remote follows anyway. */
export interface PullOriginReport {
  url: string;
  outcome: "merged" | "up-to-date" | "failed" | "rejected";
  detail?: string;
}

// sftp:// and bzr+ssh:// are how brz reaches a branch on another machine (git and hg refuse
// them and the peer is reported as failed); every one gets the same host checks.
const ALLOWED_SCHEMES = new Set(["ssh:", "git:", "http:", "https:", "file:", "sftp:", "bzr+ssh:"]);
const MAX_URL_LENGTH = 2048;

/**
 * Accepts ssh://, git://, http(s)://, file://, sftp://, bzr+ssh:// URLs and absolute paths,
 * nothing else. A peer's
 * URL reaches git/hg/brz as an argument: a leading `-` would be an option
 * (`--upload-pack=…` runs a command), `ext::`/`fd::` transports and scp-like `host:path`
 * spellings (which hide a leading-dash host) are refused, and so are control characters.
 */
export function isSafePullUrl(url: string): boolean {
  if (url.length === 0 || url.length > MAX_URL_LENGTH) return false;
  if (url.startsWith("-")) return false;
  // Control characters (newlines, NUL) have no place in a URL and confuse tools and logs.
  if ([...url].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) {
    return false;
  }
  if (url.startsWith("/")) return !url.startsWith("//");
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url);
  if (!scheme?.[1]) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (!ALLOWED_SCHEMES.has(parsed.protocol)) return false;
  if (parsed.protocol === "file:") return parsed.hostname === "" && parsed.pathname.startsWith("/");
  // ssh -oProxyCommand=… hidden in the host or user part: never a leading dash there.
  if (parsed.hostname === "" || parsed.hostname.startsWith("-")) return false;
  return !parsed.username.startsWith("-") && !parsed.username.startsWith("%2D");
}
