// Loaded by the bin entry on any Node.js: no imports and only syntax Node.js 14 parses.
/** User-facing text about installing autosync: the Node.js check and shell completion. */
export const installMessages = {
  nodeTooOld: (needed: string, found: string, execPath: string, major: number): string =>
    `autosync: needs Node.js ${needed} or newer, but this is Node.js ${found} (${execPath}). ` +
    `Install a newer one from https://nodejs.org/ or with nvm (nvm install ${major}), ` +
    `or let npm fetch it: npx -p node@${major} -p autosync autosync <command>`,
  loadFailed: (error: string): string =>
    `autosync: could not load its modules (${error}); reinstall it (npm install -g autosync), ` +
    `or run again with --debug for details`,
};
