/**
 * A flag's or command's description as a shell script may quote it: the help text's brackets,
 * quotes, backslashes and dollars would end a zsh `[...]` spec or a quoted word early.
 */
export function plainDescription(text: string): string {
  return text
    .replace(/\[/g, "(")
    .replace(/\]/g, ")")
    .replace(/['"`\\$]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}
