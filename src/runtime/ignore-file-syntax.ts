/**
 * Translates the DVCS ignore files into rules for one gitignore matcher (the `ignore` package):
 * glob lines become gitignore patterns rooted where they apply, regexp lines stay regexps.
 * One matcher for every level keeps gitignore's precedence (later rules win, a `!` re-includes,
 * nothing below an ignored directory comes back) without re-implementing it.
 */
export interface TranslatedRules {
  /** gitignore-syntax patterns, already rooted at the repository root. */
  patterns: string[];
  /** Regexps tested against the root-relative path (and each of its parent directories). */
  regexps: RegExp[];
  /** Lines that could not be used, for a warning. */
  problems: string[];
}

const GLOB_SPECIALS = /[\\*?[\]!#]/g;

/** Escapes a directory name so gitignore reads it literally (folders named `[draft]` exist). */
export function escapeGlobLiteral(text: string): string {
  return text.replace(GLOB_SPECIALS, (char) => `\\${char}`).replace(/ $/, "\\ ");
}

function emptyRules(): TranslatedRules {
  return { patterns: [], regexps: [], problems: [] };
}

/**
 * A `.gitignore` found in directory `dir` (root-relative, "" for the root) applies relative to
 * that directory: `*.log` there means `dir/**\/*.log`, `/build` or `a/b` mean `dir/build`, `dir/a/b`.
 */
export function translateGitignore(text: string, dir: string): TranslatedRules {
  const rules = emptyRules();
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === "" || raw.startsWith("#")) continue;
    if (dir === "") {
      rules.patterns.push(raw);
      continue;
    }
    const negated = raw.startsWith("!");
    let body = negated ? raw.slice(1) : raw;
    const withoutTrailingSlash = body.endsWith("/") ? body.slice(0, -1) : body;
    const anchored = withoutTrailingSlash.includes("/");
    if (body.startsWith("/")) body = body.slice(1);
    const prefix = dir.split("/").map(escapeGlobLiteral).join("/");
    rules.patterns.push(`${negated ? "!" : ""}/${prefix}/${anchored ? "" : "**/"}${body}`);
  }
  return rules;
}

/** Python-style leading inline flags `(?i)` are not JavaScript; turn them into RegExp flags. */
function compilePythonRegexp(source: string, anchored: boolean): RegExp {
  let flags = "";
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline?.[1]) {
    body = body.slice(inline[0].length);
    if (inline[1].includes("i")) flags += "i";
    if (inline[1].includes("m")) flags += "m";
    if (inline[1].includes("s")) flags += "s";
  }
  return new RegExp(anchored ? `^(?:${body})$` : body, flags + "u");
}

/**
 * `.hgignore` (see `hg help hgignore`): `syntax: regexp` (the default) or `syntax: glob` switch
 * the syntax of the following lines; a line may carry its own `glob:`, `re:`, `regexp:`,
 * `relglob:`, `relre:`, `path:` or `rootglob:` prefix. Neither globs nor regexps are rooted:
 * `*.c` matches in every directory and a regexp is searched anywhere in the path.
 */
export function translateHgignore(text: string): TranslatedRules {
  const rules = emptyRules();
  let syntax: "regexp" | "glob" = "regexp";
  for (const raw of text.split(/\r?\n/)) {
    // A `#` starts a comment unless escaped as `\#`.
    const line = raw
      .replace(/(^|[^\\])#.*$/, "$1")
      .replace(/\\#/g, "#")
      .trimEnd();
    if (line.trim() === "") continue;
    const switchTo = /^\s*syntax:\s*(\S+)\s*$/.exec(line);
    if (switchTo?.[1]) {
      const name = switchTo[1];
      if (name === "glob" || name === "relglob") syntax = "glob";
      else if (name === "regexp" || name === "re" || name === "relre") syntax = "regexp";
      else rules.problems.push(`unknown syntax '${name}'`);
      continue;
    }
    const prefixed = /^(glob|relglob|re|regexp|relre|path|rootglob):(.*)$/.exec(line);
    const kind = prefixed?.[1] ?? syntax;
    const body = prefixed?.[2] ?? line;
    if (body === "") continue;
    switch (kind) {
      case "glob":
      case "relglob":
        rules.patterns.push(body.startsWith("**/") ? body : `**/${body}`);
        break;
      case "rootglob":
        rules.patterns.push(`/${body}`);
        break;
      case "path":
        rules.patterns.push(`/${body.split("/").map(escapeGlobLiteral).join("/")}`);
        break;
      default:
        try {
          rules.regexps.push(compilePythonRegexp(body, false));
        } catch {
          rules.problems.push(`not a usable regular expression: ${body}`);
        }
    }
  }
  return rules;
}

/**
 * `.bzrignore` (see `brz help patterns`): globs where a pattern without a slash matches the base
 * name anywhere and one with a slash (or `./`) is rooted — gitignore's rule; `!` re-includes;
 * `!!` always ignores; `RE:` is a regexp matched against the whole path.
 */
export function translateBzrignore(text: string): TranslatedRules {
  const rules = emptyRules();
  const always: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line.trim() === "" || line.startsWith("#")) continue;
    if (line.startsWith("RE:")) {
      try {
        rules.regexps.push(compilePythonRegexp(line.slice(3), true));
      } catch {
        rules.problems.push(`not a usable regular expression: ${line.slice(3)}`);
      }
      continue;
    }
    if (line.startsWith("!!")) {
      always.push(line.slice(2).replace(/^\.\//, "/"));
      continue;
    }
    const negated = line.startsWith("!");
    const body = (negated ? line.slice(1) : line).replace(/^\.\//, "/");
    rules.patterns.push(`${negated ? "!" : ""}${body}`);
  }
  // Last rule wins in gitignore, so the `!!` ones go last to beat every exception.
  rules.patterns.push(...always);
  return rules;
}
