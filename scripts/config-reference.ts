/** Renders docs/config.md, the reference of every config key, from the JSON Schemas. */
type Schema = Record<string, unknown>;

interface Entry {
  path: string;
  type: string;
  default?: unknown;
  description: string;
  example?: unknown;
  required: boolean;
}

const NAMED_TYPES: Record<string, string> = {
  duration: "duration",
  delay: "timer name or duration",
  size: "size",
  share: "share",
  secret: "secret",
  path: "path",
  jid: "JID",
  jidList: "JID or list of JIDs",
  argv: "argv template (list of strings)",
  action: "action",
  trigger: "trigger",
};

export function renderConfigReference(config: Schema, recipe: Schema): string {
  const defsOf = (schema: Schema) => (schema.$defs ?? {}) as Record<string, Schema>;
  const resolve = (node: Schema): { node: Schema; name?: string } => {
    const ref = node.$ref;
    if (typeof ref !== "string") return { node };
    const match = /^(recipe\.schema\.json)?#\/\$defs\/(.+)$/.exec(ref);
    if (!match) return { node };
    const name = match[2]!;
    const target = (match[1] ? defsOf(recipe) : defsOf(config))[name];
    if (!target) return { node };
    const resolved = resolve(target);
    return { node: { ...resolved.node, ...withoutRef(node) }, name: resolved.name ?? name };
  };
  const withoutRef = (node: Schema) => {
    const { $ref: _ref, ...rest } = node;
    return rest;
  };

  const typeOf = (raw: Schema): string => {
    const { node, name } = resolve(raw);
    if (name && NAMED_TYPES[name]) return NAMED_TYPES[name];
    if ("const" in node) return `\`${JSON.stringify(node.const)}\``;
    if (Array.isArray(node.enum)) return node.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
    if (node.type === "array") {
      const items = node.items as Schema | undefined;
      return `list of ${items ? typeOf(items) : "values"}`;
    }
    if (node.type === "object")
      return name === "commandOverrides" ? "map of argv templates" : "object";
    if (node.type === "integer") return "whole number";
    if (typeof node.type === "string") return node.type;
    return "value";
  };

  const entries: Entry[] = [];
  const visit = (raw: Schema, path: string, required: boolean) => {
    const { node } = resolve(raw);
    if (path) {
      entries.push({
        path,
        type: typeOf(raw),
        default: raw.default ?? node.default,
        description: String(raw.description ?? node.description ?? ""),
        example:
          (raw.examples as unknown[] | undefined)?.[0] ??
          (node.examples as unknown[] | undefined)?.[0],
        required,
      });
    }
    const properties = node.properties as Record<string, Schema> | undefined;
    if (node.type === "object" && properties) {
      const requiredKeys = (node.required as string[] | undefined) ?? [];
      for (const [key, child] of Object.entries(properties)) {
        if (key === "$schema") continue;
        visit(child, path ? `${path}.${key}` : key, requiredKeys.includes(key));
      }
    }
    if (node.type === "array" && node.items && typeof node.items === "object") {
      const items = resolve(node.items as Schema).node;
      if (items.type === "object" || items.properties)
        visit(node.items as Schema, `${path}[]`, false);
    }
  };
  const rootProperties = config.properties as Record<string, Schema>;
  const rootRequired = (config.required as string[]) ?? [];
  for (const [key, child] of Object.entries(rootProperties)) {
    if (key === "$schema") continue;
    visit(child, key, rootRequired.includes(key));
  }

  const lines = [
    "# Configuration reference",
    "",
    "<!-- Generated from schemas/autosync.schema.json by `npm run gen`; do not edit by hand. -->",
    "",
    "Every key of `autosync.config.yaml`, generated from",
    "[schemas/autosync.schema.json](../schemas/autosync.schema.json). For how the pieces fit",
    "together (finding the file, durations, secrets, overrides, the pipeline) read the",
    "[configuration guide](configuration.md).",
    "",
    "Value types: a **duration** is `500ms`, `2s`, `10m`, `1h`, `1d`, a combination such as",
    "`1m30s`, or `0`; a **size** is a number of bytes or `50MB`, `1.5GiB` (KB/MB/GB are powers",
    "of 1000, KiB/MiB/GiB of 1024); a **share** is `50%` or a number from 0 to 1; a **secret** is",
    '`{ env: NAME }`, `{ command: "pass show xmpp" }` or an inline string; a **path** expands',
    "`~`, `$VAR` and `${VAR}` and is relative to the config file.",
    "",
    "Every key under `defaults` may also be set in a repository (`repositories[].<key>`);",
    "object values (timers, ignore, …) are merged key by key, lists and `pipeline` replace.",
    "",
  ];
  for (const entry of entries) {
    const { path: entryPath } = entry;
    const depth = entryPath.split(".").length;
    lines.push(`${depth === 1 ? "##" : "###"} \`${entryPath}\``, "");
    if (entry.description) lines.push(entry.description, "");
    lines.push(`- Type: ${entry.type}${entry.required ? " (required)" : ""}`);
    if (entry.default !== undefined) lines.push(`- Default: \`${inline(entry.default)}\``);
    if (entry.example !== undefined) {
      const key = entryPath.split(/[.[]/).filter(Boolean).at(-1)!.replace(/\]$/, "");
      lines.push(`- Example: \`${key}: ${inline(entry.example)}\``);
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** A value in YAML flow style, as a user would write it on one line. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const parts = Object.entries(value).map(([k, v]) => `${k}: ${inline(v)}`);
    return parts.length ? `{ ${parts.join(", ")} }` : "{}";
  }
  if (typeof value === "string")
    return /^[\w~./@:%<>$-][\w~./@:%<>$ -]*$/.test(value) && !/:\s/.test(value)
      ? value
      : JSON.stringify(value);
  return String(value);
}
