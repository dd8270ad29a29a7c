#!/usr/bin/env node
// The bin entry runs on whatever Node.js the user has. Dependencies fail to *load* on an older
// one (Node.js 20: "TypeError: TEXT_ENCODINGS.union is not a function" from a static import),
// so this module checks the version first and imports the CLI only after. It and its imports
// stay tiny and in syntax Node.js 14 parses: no top-level await, no import attributes, no
// "node:" specifiers (Node.js 14.13.1 and later only).
import { readFileSync } from "fs";
import { setFlagsFromString } from "v8";
import { ExitCode } from "./exit-codes.js";
import {
  formatNodeVersion,
  isAtLeast,
  minimumNodeVersion,
  parseNodeVersion,
  type NodeVersion,
} from "./node-version.js";
import { installMessages } from "../messages/install-messages.js";

/** package.json's engines.node, the one place the requirement is written. */
function requiredNodeVersion(): NodeVersion | undefined {
  try {
    const manifest = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { engines?: { node?: string } };
    const range = manifest.engines && manifest.engines.node;
    return range === undefined ? undefined : minimumNodeVersion(range);
  } catch {
    // Unreadable manifest: let the CLI try rather than refuse on a guess.
    return undefined;
  }
}

const required = requiredNodeVersion();
if (required && !isAtLeast(parseNodeVersion(process.versions.node), required)) {
  process.stderr.write(
    installMessages.nodeTooOld(
      formatNodeVersion(required),
      process.versions.node,
      process.execPath,
      required[0],
    ) + "\n",
  );
  process.exitCode = ExitCode.failure;
} else {
  // V8 grows the young generation up to 2 × 16 MB while the CLI loads and a sync allocates, and
  // never gives it back: a third of an idle daemon's RSS. Kept at its initial 1 MB semi-space,
  // RSS drops ~11–28 MB and idle CPU stays as it was (bench/README.md, "Idle"). Only this flag
  // works at run time (--max-semi-space-size is read once, at start-up), and only before the
  // CLI's modules are loaded, hence here.
  setFlagsFromString("--semi-space-growth-factor=1");
  import("./start-cli.js").catch((error: unknown) => {
    // A module that does not load on a supported Node.js: a broken install, not a user mistake.
    process.stderr.write(installMessages.loadFailed(String(error)) + "\n");
    if (process.argv.includes("--debug") && error instanceof Error && error.stack)
      process.stderr.write(error.stack + "\n");
    process.exitCode = ExitCode.failure;
  });
}
