/** User-facing text of the config area (loading, validation, init, import-legacy). */

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
    expected: `the environment variable ${name} to be set`,
    found: "unset or empty",
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
