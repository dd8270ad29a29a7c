import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { schemaMessages } from "../messages/config-messages.js";
import type { Diagnostic } from "./diagnostic.js";
import { didYouMean } from "./did-you-mean.js";
import { describeValue, formatKeyPath, pointerToPath } from "./key-path.js";
import { schemaFile } from "./package-files.js";
import type { PathSegment, SourceDocument } from "./source-document.js";

export type SchemaName = "autosync" | "recipe";

let validators: Record<SchemaName, ValidateFunction> | undefined;
/** Each `$defs` entry of both schemas → its name, to name the form a value failed to match. */
const definitionNames = new WeakMap<object, string>();

function loadValidators(): Record<SchemaName, ValidateFunction> {
  if (validators) return validators;
  // strict: false so an annotation keyword in a schema never turns into a crash of `validate`;
  // the schemas themselves are checked by tests.
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false });
  addFormats.default(ajv);
  const read = (name: SchemaName) => JSON.parse(readFileSync(schemaFile(name), "utf8")) as object;
  const recipe = read("recipe");
  const config = read("autosync");
  for (const schema of [recipe, config] as Array<{ $defs?: Record<string, object> }>) {
    for (const [name, definition] of Object.entries(schema.$defs ?? {})) {
      definitionNames.set(definition, name);
    }
  }
  ajv.addSchema(recipe);
  ajv.addSchema(config);
  validators = { autosync: ajv.compile(config), recipe: ajv.compile(recipe) };
  return validators;
}

/** The JSON Schema of a config or a recipe, parsed (for docs and key listings). */
export function readSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaFile(name), "utf8")) as Record<string, unknown>;
}

/**
 * Validates `value` (default: the document's) against a schema and turns every ajv error into a
 * Diagnostic with the key path as users write it, the position of the offending value in the
 * file, what was expected and what was found. All errors at once, never only the first.
 */
export function checkSchema(
  doc: SourceDocument,
  schema: SchemaName,
  value: unknown = doc.value,
): Diagnostic[] {
  const validate = loadValidators()[schema];
  if (validate(value)) return [];
  return toDiagnostics(validate.errors ?? [], value, doc);
}

function toDiagnostics(errors: ErrorObject[], data: unknown, doc: SourceDocument): Diagnostic[] {
  const dropped = new Set<number>();
  // A failed anyOf comes after the errors of each of its branches. When a branch got as far as
  // the value's insides (`{ notify: bogus }`, `[a@b, c]`), those inner errors are the useful
  // ones; otherwise one line naming the accepted forms beats "must be string; must be object…".
  errors.forEach((error, index) => {
    if (error.keyword !== "anyOf" && error.keyword !== "oneOf") return;
    const branchErrors: number[] = [];
    for (let earlier = 0; earlier < index; earlier++) {
      if (!dropped.has(earlier) && isUnder(errors[earlier]!.instancePath, error.instancePath)) {
        branchErrors.push(earlier);
      }
    }
    const deeper = branchErrors.filter((at) => errors[at]!.instancePath !== error.instancePath);
    if (deeper.length > 0) {
      dropped.add(index);
      for (const at of branchErrors) if (!deeper.includes(at)) dropped.add(at);
    } else {
      for (const at of branchErrors) dropped.add(at);
    }
  });
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  errors.forEach((error, index) => {
    if (dropped.has(index)) return;
    const diagnostic = toDiagnostic(error, data, doc);
    if (!diagnostic) return;
    const key = `${diagnostic.keyPath}\u0000${diagnostic.expected}`;
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push(diagnostic);
  });
  return diagnostics;
}

function isUnder(pointer: string, parent: string): boolean {
  return pointer === parent || pointer.startsWith(`${parent}/`);
}

function toDiagnostic(
  error: ErrorObject,
  data: unknown,
  doc: SourceDocument,
): Diagnostic | undefined {
  const path = pointerToPath(error.instancePath, data);
  const base = (keyPath: PathSegment[], at: "value" | "key" = "value") => {
    const position = doc.locate(keyPath, at);
    return {
      severity: "error" as const,
      file: doc.file,
      ...(position ? { line: position.line, column: position.column } : {}),
      keyPath: formatKeyPath(keyPath),
    };
  };
  // A key that fails `propertyNames` is reported once, by the propertyNames error below.
  if ((error as { propertyName?: string }).propertyName !== undefined) return undefined;
  const found = describeValue(error.data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys(
        ((error.parentSchema as { properties?: object } | undefined)?.properties ?? {}) as object,
      ).filter((name) => name !== "$schema");
      const suggestion = didYouMean(key, known);
      return {
        ...base([...path, key], "key"),
        expected: schemaMessages.knownKey(known),
        found: schemaMessages.unknownKey(key),
        ...(suggestion ? { hint: schemaMessages.didYouMean(suggestion) } : {}),
      };
    }
    case "required": {
      const key = String(params.missingProperty);
      return { ...base([...path, key]), expected: schemaMessages.required, found: "nothing" };
    }
    case "anyOf":
    case "oneOf":
      return {
        ...base(path),
        expected: schemaMessages.forDefinition(definitionName(error)),
        found,
      };
    case "type":
      return { ...base(path), expected: schemaMessages.type(String(params.type)), found };
    case "enum":
      return {
        ...base(path),
        expected: schemaMessages.oneOf((params.allowedValues as unknown[]) ?? []),
        found,
      };
    case "const":
      return { ...base(path), expected: schemaMessages.exactly(params.allowedValue), found };
    case "pattern":
    case "format": {
      const name = definitionName(error);
      const lastKey = path.at(-1);
      return {
        ...base(path),
        expected:
          name !== undefined && schemaMessages.hasDefinition(name)
            ? schemaMessages.forDefinition(name)
            : typeof lastKey === "string" && schemaMessages.hasPatternWords(lastKey)
              ? schemaMessages.patternWords(lastKey)
              : error.keyword === "format"
                ? `a valid ${String(params.format)}`
                : schemaMessages.pattern(String(params.pattern)),
        found,
      };
    }
    case "minItems":
      return { ...base(path), expected: schemaMessages.minItems(Number(params.limit)), found };
    case "minLength":
      return { ...base(path), expected: schemaMessages.minLength(Number(params.limit)), found };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return {
        ...base(path),
        expected: `a number ${String(params.comparison)} ${String(params.limit)}`,
        found,
      };
    case "uniqueItems":
      return {
        ...base(path),
        expected: "a list without duplicates",
        found: `item ${String(params.j)} repeats item ${String(params.i)}`,
      };
    case "propertyNames": {
      const key = String(params.propertyName);
      const lastKey = path.at(-1);
      return {
        ...base([...path, key], "key"),
        expected:
          typeof lastKey === "string" && schemaMessages.hasPatternWords(lastKey)
            ? schemaMessages.patternWords(lastKey)
            : "a valid key",
        found: `'${key}'`,
      };
    }
    case "if":
    case "not":
    case "false schema":
      return undefined;
    default:
      return { ...base(path), expected: error.message ?? error.keyword, found };
  }
}

/**
 * The `$defs` entry an error comes from. ajv reports schema paths relative to the referenced
 * definition (`#/anyOf`), so the definition is found by identity of the schema object.
 */
function definitionName(error: ErrorObject): string | undefined {
  const parent = error.parentSchema;
  return parent && typeof parent === "object" ? definitionNames.get(parent) : undefined;
}
