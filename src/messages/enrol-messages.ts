/** `autosync clone`, `add` and `remove`: bringing working copies into the config and out. */
export const enrolMessages = {
  usage: (command: string, detail: string) =>
    `autosync ${command}: ${detail}\nRun 'autosync ${command} --help' for usage.\n`,
  badRecipe: (recipe: string, known: readonly string[]) =>
    `--recipe must be one of ${known.join(", ")}, not '${recipe}'`,
  missingUrl: "a repository URL is required (a URL starting with '-' goes after `--`)",
  missingPath: "a working copy PATH is required",
  tooManyArguments: (extra: string) => `unexpected argument '${extra}'`,
  noDefaultDir: (url: string) => `cannot tell a directory name from '${url}'; give DIR`,
  dirNotEmpty: (command: string, dir: string) =>
    `autosync ${command}: ${dir} exists and is not an empty directory; nothing was cloned, the config is unchanged`,
  cloneFailed: (url: string, detail: string) =>
    `autosync clone: could not clone ${url}: ${detail}; nothing was cloned, the config is unchanged`,
  notWorkingCopy: (dir: string) =>
    `autosync add: ${dir} holds no .git, .hg or .bzr; clone a repository there first, or name the kind with --recipe`,
  noSuchDir: (command: string, dir: string) => `autosync ${command}: ${dir} is not a directory`,
  alreadyConfigured: (command: string, dir: string, file: string) =>
    `autosync ${command}: ${dir} is already in ${file}; nothing changed`,
  notConfigured: (target: string, file: string) =>
    `autosync remove: ${target} is not a repository in ${file}; nothing changed`,
  packageJsonConfig: (command: string, file: string) =>
    `autosync ${command}: the config is the "autosync" key of ${file}; add the repository there by hand (this command edits only YAML or JSON config files); nothing changed`,
  configInvalid: (command: string, file: string, count: number) =>
    `autosync ${command}: ${file} would be invalid (${count} ${count === 1 ? "error" : "errors"}, as \`autosync validate\` reports them below); nothing changed`,
  configNotWritable: (command: string, file: string, detail: string) =>
    `autosync ${command}: cannot write ${file} (${detail}); nothing changed`,
  configUnreadable: (command: string, file: string, detail: string) =>
    `autosync ${command}: cannot read ${file} (${detail}); nothing changed`,
  cloned: (url: string, dir: string) => `Cloned ${url} into ${dir}.`,
  added: (dir: string, file: string, created: boolean) =>
    `${created ? "Created" : "Updated"} ${file}: ${dir} is synced from now on.`,
  alreadyListed: (dir: string, file: string) =>
    `${file} already lists ${dir} (left as it is): it is synced from now on.`,
  removed: (dir: string, file: string) =>
    `Updated ${file}: ${dir} is no longer synced (its files are untouched).`,
  daemonReloaded: (answer: string) => `The running daemon reloaded its config: ${answer}`,
  daemonRefused: (answer: string) => `The running daemon did not take the new config:\n${answer}`,
  nextRun: "Next: `autosync run` starts syncing (or `autosync service install` for every login).",
  nextNothing: "No daemon is running; the next `autosync run` picks this up.",
  cloneHelp: [
    "Usage: autosync clone URL [DIR] [--recipe git|hg|bzr] [--config PATH]",
    "",
    "Clones the repository at URL into DIR (default: the name the DVCS would pick), adds it to",
    "the config (creating ~/.config/autosync/config.yaml when there is none; an existing file",
    "keeps its comments), validates the result and tells a running daemon to start syncing it.",
    "On any failure nothing is left behind: no partial clone, the config byte for byte as it was.",
    "A URL that starts with '-' goes after `--`: autosync clone -- -odd-url",
    "",
    "  --recipe KIND   git (default, or the config's defaults.recipe), hg or bzr",
    "  --config PATH   the config to add it to",
    "",
    "Exit codes: 0 cloned and added, 1 failed (the reason on one line), 2 usage error.",
  ].join("\n"),
  addHelp: [
    "Usage: autosync add PATH [--recipe git|hg|bzr] [--config PATH]",
    "",
    "Adds an existing working copy to the config (the kind is read from its .git, .hg or .bzr),",
    "validates the result and tells a running daemon to start syncing it.",
    "",
    "Exit codes: 0 added, 1 failed (the reason on one line), 2 usage error.",
  ].join("\n"),
  removeHelp: [
    "Usage: autosync remove PATH|NAME [--config PATH]",
    "",
    "Stops syncing a working copy: removes it from the config and tells a running daemon, which",
    "stops it after its operation in flight. Never touches the working copy's files.",
    "",
    "Exit codes: 0 removed, 1 failed (the reason on one line), 2 usage error.",
  ].join("\n"),
} as const;
