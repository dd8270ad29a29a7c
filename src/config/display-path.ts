import { isAbsolute, relative } from "node:path";

/** A file as diagnostics show it: relative to cwd when it lies below it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
