import type { ArgumentKind, CommandSpec } from "./command-spec.js";
import { plainDescription } from "./description.js";

function zshAction(kind: ArgumentKind): string {
  switch (kind.kind) {
    case "repository":
      return "repository:_autosync_repositories";
    case "file":
      return "file:_files";
    case "directory":
      return "directory:_files -/";
    case "choice":
      return `value:(${kind.values.join(" ")})`;
    case "text":
      return "value: ";
  }
}

function commandCase(spec: CommandSpec): string {
  const specs = [
    ...spec.flags.map((flag) => {
      const described = `${flag.flag}[${plainDescription(flag.description)}]`;
      return flag.value ? `${described}:${zshAction(flag.value)}` : described;
    }),
    "--help[show the help of this command]",
  ];
  let index = 1;
  if (spec.subcommands.length > 0)
    specs.push(`${index++}:subcommand:(${spec.subcommands.join(" ")})`);
  if (spec.positional)
    specs.push(
      spec.repeats ? `*:${zshAction(spec.positional)}` : `${index}:${zshAction(spec.positional)}`,
    );
  return `        ${spec.name}) _arguments ${specs.map((item) => `'${item}'`).join(" ")} ;;`;
}

/** `autosync completion zsh`: for `source`, or as `_autosync` in a directory of $fpath. */
export function zshCompletion(specs: readonly CommandSpec[]): string {
  const commands = specs.map(
    (spec) => `    '${spec.name}:${plainDescription(spec.summary).replace(/:/g, "\\:")}'`,
  );
  return `#compdef autosync
# zsh completion for autosync: commands, their flags, and repository names from the config.
# Now: source <(autosync completion zsh)
# Always: autosync completion zsh > "\${fpath[1]}/_autosync", then start a new shell.

# Names of the configured repositories, from the config the command line names (or the usual
# search); nothing when there is no valid config.
_autosync_repositories() {
  local -a repositories config
  local i=\${words[(I)--config]}
  (( i )) && config=(--config "\${words[i+1]/#\\~/$HOME}")
  repositories=("\${(@f)$($service completion --repos $config 2>/dev/null)}")
  repositories=(\${repositories:#})
  _wanted repositories expl repository compadd -a repositories
}

_autosync() {
  local curcontext=$curcontext state line
  local -a commands
  commands=(
${commands.join("\n")}
  )
  _arguments -C '(- :)--help[show help]' '(- :)--version[print the version]' '1: :->command' '*:: :->argument' && return
  case $state in
    command) _describe -t commands 'autosync command' commands ;;
    argument)
      case $words[1] in
${specs.map(commandCase).join("\n")}
      esac
      ;;
  esac
}

if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _autosync "$@"
else
  compdef _autosync autosync
fi
`;
}
