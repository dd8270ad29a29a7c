import type { ArgumentKind, CommandSpec } from "./command-spec.js";

/** Completion lines for one kind of argument; `cur` is the word being completed. */
function bashCandidates(kind: ArgumentKind): string {
  switch (kind.kind) {
    case "repository":
      return "_autosync_repositories";
    case "file":
      return `compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur")`;
    case "directory":
      return `compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur")`;
    case "choice":
      return `mapfile -t COMPREPLY < <(compgen -W "${kind.values.join(" ")}" -- "$cur")`;
    case "text":
      return ":";
  }
}

function commandCase(spec: CommandSpec): string {
  const valued = spec.flags.filter((flag) => flag.value).map((flag) => flag.flag);
  const flags = [...spec.flags.map((flag) => flag.flag), "--help"];
  const lines = [
    `    ${spec.name})`,
    `      flags="${flags.join(" ")}"`,
    `      valued="${valued.join(" ")}"`,
    `      subcommands="${spec.subcommands.join(" ")}"`,
    `      repeats=${spec.repeats ? 1 : 0}`,
  ];
  for (const flag of spec.flags) {
    if (flag.value)
      lines.push(`      [[ $prev == ${flag.flag} ]] && { ${bashCandidates(flag.value)}; return; }`);
  }
  lines.push(
    `      _autosync_positional() { ${spec.positional ? bashCandidates(spec.positional) : ":"}; }`,
    "      ;;",
  );
  return lines.join("\n");
}

/** `autosync completion bash`: a script for `source` or bash-completion's completions dir. */
export function bashCompletion(specs: readonly CommandSpec[]): string {
  const topLevel = [...specs.map((spec) => spec.name), "--help", "--version"].join(" ");
  return `# bash completion for autosync: commands, their flags, and repository names from the config.
# Now: source <(autosync completion bash)
# Always: autosync completion bash > ~/.local/share/bash-completion/completions/autosync

# Names of the configured repositories, from the config the command line names (or the usual
# search); nothing when there is no valid config.
_autosync_repositories() {
  local i config=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ \${COMP_WORDS[i]} == --config ]]; then config=(--config "\${COMP_WORDS[i+1]/#\\~/$HOME}"); fi
  done
  local IFS=$'\\n'
  mapfile -t COMPREPLY < <(compgen -W "$("\${COMP_WORDS[0]}" completion --repos "\${config[@]}" 2>/dev/null)" -- "$cur")
  for i in "\${!COMPREPLY[@]}"; do printf -v "COMPREPLY[i]" %q "\${COMPREPLY[i]}"; done
}

_autosync() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local i command="" at=0 flags valued subcommands repeats
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ \${COMP_WORDS[i]} != -* ]]; then command=\${COMP_WORDS[i]}; at=$i; break; fi
  done
  case $command in
    "")
      mapfile -t COMPREPLY < <(compgen -W "${topLevel}" -- "$cur")
      return
      ;;
${specs.map(commandCase).join("\n")}
    *) return ;;
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
    return
  fi
  # Words before this one that are arguments, not flags or their values.
  local count=0 rest=0
  for ((i = at + 1; i < COMP_CWORD; i++)); do
    if ((rest)); then ((count++)); continue; fi
    case " $valued " in *" \${COMP_WORDS[i]} "*) ((i++)); continue ;; esac
    case \${COMP_WORDS[i]} in --) rest=1 ;; -*) ;; *) ((count++)) ;; esac
  done
  if [[ -n $subcommands ]]; then
    if ((count == 0)); then
      mapfile -t COMPREPLY < <(compgen -W "$subcommands" -- "$cur")
      return
    fi
    ((count--))
  fi
  if ((count == 0 || repeats)); then _autosync_positional; fi
  if ((\${#COMPREPLY[@]} == 0)) && [[ -z $cur ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
  fi
}
complete -F _autosync autosync
`;
}
