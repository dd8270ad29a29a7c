import { isSeq, parseDocument, type Document } from "yaml";

/** A `repositories` entry as `autosync clone|add` writes it. */
export interface RepositoryEntry {
  path: string;
  /** Written only when it differs from the config's default recipe. */
  recipe?: string;
}

/**
 * Edits a config's `repositories` list through yaml's Document API, so everything else (the
 * comments, the order of keys, the blank lines) stays as the user wrote it. These work on the
 * text alone; validating the result is the caller's job, with the same code as `validate`.
 */
function parse(text: string): Document.Parsed {
  return parseDocument(text, { keepSourceTokens: false });
}

/** The default recipe a config gives its repositories (`defaults.recipe`, else git). */
export function defaultRecipeOf(text: string): string {
  const recipe = parse(text).getIn(["defaults", "recipe"]);
  return typeof recipe === "string" ? recipe : "git";
}

/** The text with `entry` appended to `repositories` (created when missing). */
export function addRepositoryEntry(text: string, entry: RepositoryEntry): string {
  const doc = parse(text);
  const node = doc.createNode(
    entry.recipe !== undefined ? { path: entry.path, recipe: entry.recipe } : { path: entry.path },
  );
  const list = doc.get("repositories", true);
  if (isSeq(list)) {
    // `repositories: []` becomes a block list; a flow list with entries stays as it was.
    if (list.items.length === 0) list.flow = false;
    list.add(node);
  } else {
    const created = doc.createNode([node]);
    created.flow = false;
    doc.set("repositories", created);
  }
  return doc.toString();
}

/** A fresh starter config (with its comments) whose only repository is `entry`. */
export function replaceRepositoryEntries(text: string, entry: RepositoryEntry): string {
  const doc = parse(text);
  const list = doc.get("repositories", true);
  // The starter's example entry goes, with its comment; the list's own comment stays.
  if (isSeq(list)) {
    list.items.splice(0);
    list.commentBefore = null;
  }
  return addRepositoryEntry(doc.toString(), entry);
}

/** The text without the `index`th repository (the order of the resolved config). */
export function removeRepositoryEntry(text: string, index: number): string {
  const doc = parse(text);
  const list = doc.get("repositories", true);
  if (!isSeq(list) || index < 0 || index >= list.items.length)
    throw new RangeError(`no repository at index ${index}`);
  list.delete(index);
  return doc.toString();
}
