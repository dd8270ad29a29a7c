import type { ArgumentKind, CommandSpec, FlagSpec } from "./command-spec.js";
import { plainDescription } from "./description.js";

function fishArguments(kind: ArgumentKind): string {
  switch (kind.kind) {
    case "repository":
      return "-x -a '(__autosync_repositories)'";
    case "file":
      return "-r -F";
    case "directory":
      return "-x -a '(__fish_complete_directories)'";
    case "choice":
      return `-x -a '${kind.values.join(" ")}'`;
    case "text":
      return "-x";
  }
}

function fishFlag(flag: FlagSpec): string {
  const name = flag.flag.startsWith("--") ? `-l ${flag.flag.slice(2)}` : `-s ${flag.flag.slice(1)}`;
  const description = plainDescription(flag.description);
  return [
    name,
    ...(flag.value ? [fishArguments(flag.value)] : []),
    ...(description ? [`-d '${description}'`] : []),
  ].join(" ");
}

function commandLines(spec: CommandSpec): string[] {
  const seen = `__fish_seen_subcommand_from ${spec.name}`;
  const lines = [
    `complete -c autosync -n __fish_use_subcommand -a ${spec.name} -d '${plainDescription(spec.summary)}'`,
    ...spec.flags.map((flag) => `complete -c autosync -n '${seen}' ${fishFlag(flag)}`),
    `complete -c autosync -n '${seen}' -l help -d 'show the help of this command'`,
  ];
  if (spec.subcommands.length > 0) {
    const words = spec.subcommands.join(" ");
    lines.push(
      `complete -c autosync -n '${seen}; and not __fish_seen_subcommand_from ${words}' -x -a '${words}'`,
    );
  }
  if (spec.positional) {
    const after =
      spec.subcommands.length > 0
        ? `; and __fish_seen_subcommand_from ${spec.subcommands.join(" ")}`
        : "";
    lines.push(`complete -c autosync -n '${seen}${after}' ${fishArguments(spec.positional)}`);
  }
  return lines;
}

/** `autosync completion fish`: for `| source`, or as ~/.config/fish/completions/autosync.fish. */
export function fishCompletion(specs: readonly CommandSpec[]): string {
  return `# fish completion for autosync: commands, their flags, and repository names from the config.
# Now: autosync completion fish | source
# Always: autosync completion fish > ~/.config/fish/completions/autosync.fish

# Names of the configured repositories, from the config the command line names (or the usual
# search); nothing when there is no valid config.
function __autosync_repositories
    set -l tokens (commandline -opc)
    set -l config
    set -l i (contains -i -- --config $tokens)
    and set -q tokens[(math $i + 1)]
    and set config --config $tokens[(math $i + 1)]
    command -q $tokens[1]; or return
    $tokens[1] completion --repos $config 2>/dev/null
end

complete -c autosync -f
complete -c autosync -n __fish_use_subcommand -l help -d 'show help'
complete -c autosync -n __fish_use_subcommand -l version -d 'print the version'
${specs.flatMap(commandLines).join("\n")}
`;
}
