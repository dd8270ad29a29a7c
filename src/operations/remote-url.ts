/**
 * A remote URL fit for announcements and the UI: `https://user:token@host/x` → `https://host/x`.
 * Passwords always go; a user name goes for http(s), where it is often a token, but stays for
 * ssh (`ssh://git@host/x`, `git@host:x`), where it is part of the address and no secret.
 */
export function stripCredentials(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/@]*)@(.*)$/i.exec(url.trim());
  if (!match) return url.trim();
  const [, scheme = "", userInfo = "", rest = ""] = match;
  const user = userInfo.split(":")[0] ?? "";
  const keepUser = !/^https?$/i.test(scheme) && user !== "";
  return `${scheme}://${keepUser ? `${user}@` : ""}${rest}`;
}
