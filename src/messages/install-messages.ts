// Loaded by the bin entry on any Node.js: no imports and only syntax Node.js 14 parses.
/** User-facing text about installing autosync: the Node.js check and shell completion. */
export const installMessages = {
  nodeTooOld: (needed: string, found: string, execPath: string, major: number): string =>
    `autosync: needs Node.js ${needed} or newer, but this is Node.js ${found} (${execPath}). ` +
    `Install a newer one from https://nodejs.org/ or with nvm (nvm install ${major}), ` +
    `or let npm fetch it: npx -p node@${major} -p autosync autosync <command>`,
  completionHelp: `Usage: autosync completion bash|zsh|fish

Prints a completion script for the shell: the commands, their flags, and the names of the
configured repositories where a command takes one (read at each Tab from the config the
command line names, or else the one autosync finds from the current directory).

  bash  source <(autosync completion bash)
        or save it as ~/.local/share/bash-completion/completions/autosync
  zsh   source <(autosync completion zsh)
        or save it as _autosync in a directory of $fpath
  fish  autosync completion fish | source
        or save it as ~/.config/fish/completions/autosync.fish

Exit codes: 0 printed, 2 usage error (no shell or an unknown one).`,
  completionUsage: (given: string | undefined): string =>
    (given === undefined
      ? "autosync completion: which shell? "
      : `autosync completion: no completion for '${given}'. `) +
    "Usage: autosync completion bash|zsh|fish",
  loadFailed: (error: string): string =>
    `autosync: could not load its modules (${error}); reinstall it (npm install -g autosync), ` +
    `or run again with --debug for details`,
};
