/**
 * Files editors write next to the user's file while saving or editing, in gitignore syntax
 * (a pattern without a slash matches the base name in every directory). They are never the
 * user's content: the ignore filter drops them from watcher events AND from status, so a save
 * commits exactly the final file. None of these can be re-included by a `!pattern`.
 *
 * Each entry names the program that writes it, so a false positive can be traced and argued.
 */
export interface EditorTempPattern {
  pattern: string;
  editor: string;
  why: string;
}

export const EDITOR_TEMP_PATTERNS: readonly EditorTempPattern[] = [
  // vim writes `.name.swp` beside the file (then .swo, .swn… when the first is taken), and with
  // `:set backupcopy=no` saves by renaming the file to `name~`, writing anew, deleting `name~`.
  { pattern: ".*.sw[a-p]", editor: "vim", why: "swap file of an open buffer (.swp, .swo, …)" },
  { pattern: "*.swp", editor: "vim", why: "swap file when `directory` puts it without a dot" },
  { pattern: "*.swo", editor: "vim", why: "second swap file" },
  { pattern: "*.swx", editor: "vim", why: "probe file vim writes to test the swap directory" },
  // vim creates and deletes a file literally named 4913 to check it may write in the directory
  // (`:help backupcopy`). A real user file named exactly 4913 would be ignored too: accepted.
  { pattern: "4913", editor: "vim", why: "write-permission probe" },
  { pattern: "*~", editor: "vim, emacs, gedit, kate", why: "backup copy of the previous version" },
  // emacs: `.#name` is a lock symlink to user@host.pid while a buffer is modified.
  { pattern: ".#*", editor: "emacs", why: "lock symlink of a modified buffer" },
  // The backslash: a leading `#` starts a comment in gitignore syntax.
  { pattern: "\\#*#", editor: "emacs", why: "auto-save file `#name#`" },
  // JetBrains "safe write": write name___jb_tmp___, rename name to name___jb_old___, rename the
  // tmp to name, delete the old one.
  { pattern: "*___jb_tmp___", editor: "JetBrains IDEs", why: "safe-write new content" },
  { pattern: "*___jb_old___", editor: "JetBrains IDEs", why: "safe-write previous content" },
  { pattern: ".~lock.*#", editor: "LibreOffice", why: "lock file of an open document" },
  { pattern: "*.kate-swp", editor: "Kate / KWrite", why: "swap file of an open document" },
  { pattern: ".goutputstream-*", editor: "gedit (GIO)", why: "atomic-save temp before rename" },
  // Not an editor: Finder writes it into every directory it shows; never the user's content and
  // a classic source of pointless cross-machine commits.
  { pattern: ".DS_Store", editor: "macOS Finder", why: "folder view metadata" },
];
