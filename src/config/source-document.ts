import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Node as YamlNode, Pair } from "yaml";
import type { Diagnostic } from "./diagnostic.js";

/** One step of a key path: an object key or a list index. */
export type PathSegment = string | number;

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** A parsed config or recipe file that still knows where each value came from. */
export interface SourceDocument {
  file: string;
  /** The plain data (undefined for an empty document or when parsing failed). */
  value: unknown;
  /** Syntax errors (and alias bombs); when non-empty, `value` must not be trusted. */
  errors: Diagnostic[];
  /**
   * Where the value at `path` starts; when the path does not exist, where its deepest existing
   * parent starts. `at: "key"` points at the key of the last segment instead (unknown keys).
   */
  locate(path: readonly PathSegment[], at?: "value" | "key"): SourcePosition | undefined;
}

/**
 * Aliases may expand exponentially ("billion laughs"); yaml counts alias resolutions and throws
 * past this. A real config has a handful at most.
 */
const MAX_ALIAS_COUNT = 100;
const MAX_SYNTAX_ERRORS = 10;

/** Parses YAML (and JSON, which YAML 1.2 reads too) keeping positions. Never throws. */
export function parseSource(text: string, file: string): SourceDocument {
  const lineCounter = new LineCounter();
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  let doc: ReturnType<typeof parseDocument> | undefined;
  const errors: Diagnostic[] = [];
  try {
    doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      // Warnings become diagnostics below; yaml must not print them on the process.
      logLevel: "silent",
    });
  } catch (error) {
    // Pathological input (very deep nesting) can exhaust the parser's stack.
    errors.push({
      severity: "error",
      file,
      keyPath: "",
      expected: "a YAML or JSON document",
      found: `input the parser could not read (${errorText(error)})`,
    });
    return { file, value: undefined, errors, locate: () => undefined };
  }
  // One broken bracket can cascade into hundreds of errors, often the same one at the same
  // place; the first few distinct ones locate it.
  const seen = new Set<string>();
  for (const error of doc.errors) {
    const key = `${error.pos[0]}:${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_SYNTAX_ERRORS) break;
    errors.push({
      severity: "error",
      file,
      ...position(error.pos[0]),
      keyPath: "",
      expected: "valid YAML or JSON syntax",
      found: firstLine(error.message),
    });
  }
  for (const warning of doc.warnings.slice(0, MAX_SYNTAX_ERRORS)) {
    errors.push({
      severity: "error",
      file,
      ...position(warning.pos[0]),
      keyPath: "",
      expected: "plain YAML without custom tags",
      found: firstLine(warning.message),
    });
  }
  let value: unknown;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      errors.push({
        severity: "error",
        file,
        keyPath: "",
        expected: `a document with at most ${MAX_ALIAS_COUNT} alias expansions`,
        found: firstLine(errorText(error)),
      });
      value = undefined;
    }
  }
  const contents = doc.contents;
  return {
    file,
    value,
    errors,
    locate(path, at = "value") {
      let node: YamlNode | null = contents as YamlNode | null;
      let lastStart: number | undefined = node?.range?.[0];
      for (let index = 0; index < path.length; index++) {
        const segment = path[index];
        const isLast = index === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find(
            (item: Pair<unknown, unknown>) =>
              isScalar(item.key) && String(item.key.value) === String(segment),
          );
          if (!pair) break;
          const keyNode = pair.key as YamlNode;
          const valueNode = pair.value as YamlNode | null;
          if (isLast && at === "key") return keyNode.range ? position(keyNode.range[0]) : undefined;
          lastStart = valueNode?.range?.[0] ?? keyNode.range?.[0] ?? lastStart;
          node = valueNode;
          if (!valueNode) break;
        } else if (isSeq(node) && typeof segment === "number") {
          const item = node.items[segment] as YamlNode | undefined;
          if (!item) break;
          lastStart = item.range?.[0] ?? lastStart;
          node = isPair(item) ? ((item.value as YamlNode | null) ?? null) : item;
        } else {
          break;
        }
      }
      return lastStart === undefined ? undefined : position(lastStart);
    },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
