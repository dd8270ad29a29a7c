/**
 * Reads a dvcs-autosync config: Python ConfigParser INI. Sections `[name]`, `key = value` or
 * `key: value`, `#`/`;` comment lines, and indented continuation lines that extend the previous
 * value (ignorepath spans several lines in the project's own example). Keys are lower-cased as
 * ConfigParser does.
 */
export type LegacyIni = Map<string, Map<string, string>>;

export function parseLegacyIni(text: string): LegacyIni {
  const sections: LegacyIni = new Map();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(line)) {
      if (line.trim() === "") lastKey = undefined;
      continue;
    }
    if (/^\s/.test(line) && section && lastKey !== undefined) {
      section.set(lastKey, `${section.get(lastKey)}\n${line.trim()}`.trim());
      continue;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      const name = header[1]!.trim().toLowerCase();
      section = sections.get(name) ?? new Map<string, string>();
      sections.set(name, section);
      lastKey = undefined;
      continue;
    }
    const entry = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (entry && section) {
      lastKey = entry[1]!.trim().toLowerCase();
      section.set(lastKey, entry[2]!.trim());
    }
  }
  return sections;
}
