/** User-facing text of the config area (loading, validation, init, import-legacy). */
import type { Diagnostic } from "../config/diagnostic.js";

export const secretMessages = {
  envUnset: (name: string) =>
    `the secret's environment variable ${name} is not set; export it before starting autosync`,
  commandFailed: (command: string, reason: string) =>
    `the secret command \`${command}\` failed (${reason})`,
  commandEmpty: (command: string) => `the secret command \`${command}\` printed nothing`,
};

const DEFINITION_EXPECTED: Record<string, string> = {
  duration: "a duration such as '2s' or '500ms'",
  delay: "a timer name (commitDelay, maxCommitDelay, pushDelay) or a duration such as '500ms'",
  size: "a size such as '50MB' or '1GiB', or a number of bytes",
  share: "a share such as '50%' or a number from 0 to 1",
  secret: 'a secret: { env: NAME }, { command: "pass show …" } or an inline string',
  jid: "a bare JID such as me@example.org",
  jidList: "a JID such as me@example.org or a list of JIDs",
  action:
    "an action: commit, push, pull, announce, { notify: pushed|pulled|conflict|error|offline|online } or { run: [program, args…] }",
};

/** Patterns explained by the key they constrain. */
const PATTERN_WORDS: Record<string, string> = {
  url: "a broker URL starting with mqtt://, mqtts://, ws:// or wss://",
  service: "a server address such as xmpp://chat.example.org:5222 or xmpps://…",
  host: "a machine name without spaces or slashes",
  topicPrefix: "a topic prefix without '#', '+' or spaces",
  env: "an environment variable name such as AUTOSYNC_XMPP_PASSWORD",
};

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping of keys to values",
  null: "an empty value",
};

export const schemaMessages = {
  required: "a value: this key is required",
  knownKey: (known: readonly string[]) =>
    known.length ? `one of the keys ${known.join(", ")}` : "no keys here",
  unknownKey: (key: string) => `unknown key '${key}'`,
  didYouMean: (key: string) => `did you mean '${key}'?`,
  hasDefinition: (name: string) => name in DEFINITION_EXPECTED,
  hasPatternWords: (key: string) => key in PATTERN_WORDS,
  patternWords: (key: string) => PATTERN_WORDS[key]!,
  forDefinition: (name: string | undefined) =>
    (name !== undefined ? DEFINITION_EXPECTED[name] : undefined) ??
    "a value in one of the allowed forms (see docs/config.md)",
  type: (types: string) =>
    types
      .split(",")
      .map((type) => TYPE_WORDS[type] ?? type)
      .join(" or "),
  oneOf: (values: readonly unknown[]) => `one of ${values.map(String).join(", ")}`,
  exactly: (value: unknown) => JSON.stringify(value),
  pattern: (pattern: string) => `a string matching ${pattern}`,
  minItems: (limit: number) =>
    limit === 1 ? "a non-empty list" : `a list of at least ${limit} items`,
  minLength: (limit: number) =>
    limit === 1 ? "a non-empty string" : `a string of at least ${limit} characters`,
};

export const recipeMessages = {
  recipeRef: (builtins: readonly string[]) =>
    `a built-in recipe (${builtins.join(", ")}) or a path to a recipe file (with a / or a .yaml/.yml/.json extension)`,
  didYouMean: (name: string) => `did you mean '${name}'?`,
  readableFile: "a readable recipe file",
  unreadable: (file: string, error: unknown) =>
    `${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
  commandName: (known: readonly string[]) => `a recipe command name (${known.join(", ")})`,
};

const INIT_COMMAND: Record<string, string> = {
  git: "git clone <remote> <path> (or git init)",
  hg: "hg clone <remote> <path> (or hg init)",
  bzr: "brz branch <remote> <path> (or brz init)",
};

export const configMessages = {
  embedded: "(embedded config)",
  emptyDocument: {
    expected: "a config with at least `version: 1` and `repositories`",
    found: "an empty document",
  },
  pathVariableUnset: (name: string, text: string) => ({
    expected: `a path whose environment variables are set`,
    found: `'${text}' with $${name} unset`,
    hint: `export ${name} or write the path out`,
  }),
  rootMissing: (root: string, kind: string) => ({
    expected: "an existing directory (the working copy to watch)",
    found: `no such directory: ${root}`,
    hint: `create it with ${INIT_COMMAND[kind] ?? "your DVCS"}, or fix the path`,
  }),
  rootNotDirectory: (root: string) => ({
    expected: "a directory (the working copy to watch)",
    found: `a file: ${root}`,
  }),
  markerMissing: (root: string, kind: string, marker: string) => ({
    expected: `a ${kind} working copy (${marker} at its root)`,
    found: `no ${marker} in ${root}`,
    hint: `clone or init it with ${INIT_COMMAND[kind] ?? "your DVCS"}, or choose the recipe that matches it`,
  }),
  duplicateName: (name: string, first: number) => ({
    expected: "a repository name no other repository uses",
    found: `'${name}', also the name of repositories[${first}]`,
    hint: "set `name:` to tell them apart",
  }),
  overlappingRoots: (root: string, other: string, otherIndex: number) => ({
    expected: "a root that is neither inside nor around another repository's root",
    found:
      root === other
        ? `${root}, the same root as repositories[${otherIndex}]`
        : `${root}, which overlaps repositories[${otherIndex}] (${other})`,
    hint: "one autosync repository per working copy; nested working copies are ignored by the outer one",
  }),
  durationTooLong: {
    expected: "a duration of at most 24d (timers cannot wait longer)",
    found: "a longer duration",
  },
  maxBelowQuiet: {
    expected: "maxCommitDelay at least as long as commitDelay",
    found: "a shorter maxCommitDelay, so commits never wait for a quiet period",
  },
  inlineSecretReadable: (mode: number, file: string) => ({
    expected: "{ env: NAME } or { command: … } in a file other users can read",
    found: `an inline secret in a file with mode ${(mode & 0o777).toString(8).padStart(4, "0")}`,
    hint: `move it to an environment variable, or run chmod 600 ${file}`,
  }),
  secretEnvUnset: (name: string) => ({
    expected: `${name} set in the environment`,
    found: "no such variable (or an empty one)",
    hint: `export ${name} where autosync runs`,
  }),
};

export const loadMessages = {
  notFound: {
    expected:
      "a config file: autosync.config.yaml (or .yml/.json, .autosyncrc*, package.json#autosync) here, in a parent directory up to your home, or in ~/.config/autosync/; or --config PATH",
    found: "none",
    hint: "run `autosync init` to write a commented starter config",
  },
  unreadable: (code: string) => ({ expected: "a readable config file", found: code }),
};

export const validateMessages = {
  help: `Usage: autosync validate [FILES…] [--format text|json] [--strict] [--config PATH]

Checks config and recipe files and reports every problem at once, each with
file:line:column, the key path, what was expected and what was found.
Without FILES it checks the config autosync would use (found from the current
directory, like \`autosync run\`).

A file is a recipe when its $schema (key or yaml-language-server comment) names
recipe.schema.json, or when it has a top-level \`commands\` or \`statusParser\`
key and no \`repositories\`; anything else is a config.

Beyond the schema it checks: the recipe exists and its commands use only the
placeholders they get; each watch root exists and is a working copy of the
recipe's kind; roots do not overlap; repository names are unique; environment
variables named by secrets and paths are set; inline secrets sit in a file
only you can read.

A missing watch root, an unset secret variable and an inline secret in a
readable file are warnings (the file is valid; this machine is not ready) —
\`autosync run\` refuses a missing root.

Options:
  --format text|json  json: {"valid": bool, "diagnostics": [{severity, file,
                      line, column, keyPath, expected, found, hint, message}]}
  --strict            treat warnings as errors
  --config PATH       validate this config file (same as giving it as FILE)

Exit codes: 0 valid (warnings allowed), 1 invalid or no config found,
2 usage error (unknown option, bad --format).
`,
  usage: (detail: string) =>
    `autosync validate: ${detail}\nRun 'autosync validate --help' for usage.\n`,
  badFormat: (format: string | undefined) => `--format must be text or json, got '${format}'`,
  unreadable: (code: string) => ({ expected: "a readable file", found: code }),
  notFound: loadMessages.notFound,
  summary: (file: string, kind: string, diagnostics: readonly Diagnostic[]) => {
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const warnings = diagnostics.length - errors;
    const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    if (errors > 0)
      return `${file}: invalid ${kind} (${count(errors, "error")}${warnings ? `, ${count(warnings, "warning")}` : ""})`;
    return `${file}: valid ${kind}${warnings ? ` (${count(warnings, "warning")})` : ""}`;
  },
};

export const initMessages = {
  help: `Usage: autosync init [DIR] [--recipe git|hg|bzr]

Writes DIR/autosync.config.yaml (DIR defaults to the current directory): a
commented starter config with the schema reference for editors. When DIR is a
working copy it becomes the one repository (and its kind picks the recipe);
otherwise ~/notes is filled in as an example to change. Never overwrites an
existing file. The file is created with mode 0600.

Exit codes: 0 written, 1 file exists or DIR is not a directory, 2 usage error.
`,
  usage: (detail: string) => `autosync init: ${detail}\nRun 'autosync init --help' for usage.\n`,
  tooManyDirs: "give at most one DIR",
  badRecipe: (recipe: string, known: readonly string[]) =>
    `--recipe must be one of ${known.join(", ")}, got '${recipe}'`,
  noDirectory: (dir: string) => `autosync init: ${dir} is not a directory.\n`,
  exists: (file: string) =>
    `autosync init: ${file} already exists; not overwriting it. Edit it, or remove it first.\n`,
  cannotWrite: (file: string, code: string) => `autosync init: cannot write ${file} (${code}).\n`,
  written: (file: string, detected: string | undefined, kind: string) =>
    `Wrote ${file}\n` +
    (detected === kind
      ? `It syncs this ${kind} working copy. Next: autosync validate, then autosync run.\n`
      : `Set repositories[0].path to your ${kind} working copy, then: autosync validate, autosync run.\n`),
};

export const importMessages = {
  help: `Usage: autosync import-legacy [FILE]

Converts a dvcs-autosync config (INI with [autosync], [dvcs] and [xmpp]
sections; FILE defaults to ~/.autosync) into an autosync YAML config on
stdout, with comments for everything that does not carry over:
  path → repositories[0].path        pidfile → pidfile
  readfrequency → timers.commitDelay ignorepath → ignore.patterns
  syncmethod xmpp → channels.xmpp    username → jid, alsonotify → alsoNotify
  password → { env: AUTOSYNC_XMPP_PASSWORD } (never copied inline)
  notifymethod → notify.desktop.enabled
  *cmd shell commands → a comment (autosync uses recipe argv templates)

Example: autosync import-legacy > autosync.config.yaml && autosync validate

Exit codes: 0 converted, 1 FILE unreadable or without [autosync] path,
2 usage error.
`,
  usage: (detail: string) =>
    `autosync import-legacy: ${detail}\nRun 'autosync import-legacy --help' for usage.\n`,
  tooManyFiles: "give at most one FILE",
  unreadable: (file: string, code: string) =>
    `autosync import-legacy: cannot read ${file} (${code}).\n`,
  noPath: (file: string) =>
    `autosync import-legacy: ${file} has no \`path\` in its [autosync] section; nothing to convert.\n`,
  commandsComment: (keys: readonly string[], recipe: string) => [
    "  # The legacy shell commands do not carry over: autosync runs argv templates from a",
    `  # recipe, never shell strings. Their first word chose the ${recipe} recipe; override single`,
    "  # commands under `commands:` if you need to. Not carried over:",
    `  # ${keys.join(", ")}.`,
  ],
  jidPlaceholder: (username: string) =>
    `    # TODO: the legacy username ${JSON.stringify(username)} is not a JID; put your account here.`,
  passwordComment: [
    "    # The legacy password is not copied into this file. Before starting autosync:",
    "    #   export AUTOSYNC_XMPP_PASSWORD='…'   (or use { command: \"pass show xmpp\" })",
  ],
  alsoNotifyDropped: (value: string) =>
    `    # alsonotify ${JSON.stringify(value)} is not a JID, so it was left out (alsoNotify: other@example.org).`,
  syncmethodDropped: (method: string) =>
    `# syncmethod = ${method} has no autosync channel; autosync pulls every timers.pullInterval. See channels in docs/config.md.`,
  notifymethodComment: (method: string) =>
    `    # notifymethod = ${method}: desktop popups ${method === "all" || method === "desktop" ? "on" : "off"}${method === "all" || method === "xmpp" ? " (XMPP notices go to channels.xmpp.alsoNotify)" : ""}.`,
  pulllockComment: (value: string) =>
    `# pulllock = ${value} does not carry over: autosync runs one operation at a time per repository and commits local changes before every pull.`,
  unknownKeys: (keys: readonly string[]) =>
    `# Not carried over (unknown to this converter): ${keys.join(", ")}.`,
};
