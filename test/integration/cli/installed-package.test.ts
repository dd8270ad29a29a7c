import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, realpath, rm, writeFile } from "node:fs/promises";
import { delimiter, join, posix, relative } from "node:path";
import { formatNodeVersion, minimumNodeVersion } from "../../../src/cli/node-version.js";
import { nodeFromNpm, npmEnv } from "../../support/node-from-npm.js";
import { AUTOSYNC_MAIN, REPO_ROOT } from "../../support/sync-fixture.js";
import { makeTempDir } from "../../support/temp-dir.js";

// What a user gets from `npm install -g autosync` / `npx autosync`: the packed tarball, installed
// into an empty prefix with install scripts blocked, run from there (never from this repository)
// with each Node.js it claims to support, and with older ones that it must refuse in one line.

/** The Node.js 24 the devDependency `node` provides: what npm scripts run. */
const NODE_24 = join(REPO_ROOT, "node_modules", "node", "bin");
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  version: string;
  engines: { node: string };
  dependencies: Record<string, string>;
};
const minimum = minimumNodeVersion(manifest.engines.node);
/** Below the minimum: the common default of many machines, and the oldest the guard must parse on. */
const OLD_NODES = ["20.20.2", "14.21.3"];
const EXAMPLE_CONFIG = join(REPO_ROOT, "autosync.config.yaml");

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 180_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function report(result: Finished): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr.slice(-4000)}`;
}

let work: { dir: string; cleanup: () => Promise<void> };
let tarball: string;
let packedFiles: string[];
/** The Node.js 24 install, made once and shared with the old-Node checks. */
let node24Install: Promise<string> | undefined;
const node24Prefix = () => (node24Install ??= installGlobally(NODE_24, "prefix-24"));

/** A HOME of its own: the installed CLI must not depend on (or touch) this machine's settings. */
async function isolatedEnv(nodeBin: string, prefix?: string): Promise<NodeJS.ProcessEnv> {
  const home = join(work.dir, "home");
  await mkdir(home, { recursive: true });
  await writeFile(join(home, ".gitconfig"), "");
  const path = [...(prefix ? [join(prefix, "bin")] : []), nodeBin, process.env.PATH ?? ""];
  return npmEnv({
    PATH: path.join(delimiter),
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    // What a cautious user or a locked-down CI sets; the native watcher must work without them.
    npm_config_ignore_scripts: "true",
  });
}

async function installGlobally(nodeBin: string, name: string): Promise<string> {
  const prefix = join(work.dir, name);
  const installed = await run("npm", ["install", "--global", "--prefix", prefix, tarball], {
    cwd: work.dir,
    env: await isolatedEnv(nodeBin),
  });
  assert.equal(installed.code, 0, report(installed));
  return prefix;
}

/** --version, validate on the example config, the native watcher and demo --script, all installed. */
async function checkInstalledCopy(nodeBin: string, prefix: string, expectedNode: string) {
  const env = await isolatedEnv(nodeBin, prefix);
  const autosync = join(prefix, "bin", "autosync");
  const packageDir = join(prefix, "lib", "node_modules", "autosync");
  assert.equal(
    relative(packageDir, await realpath(autosync)),
    join("dist", "cli", "main.js"),
    "the bin is the installed copy",
  );
  const node = await run("node", ["--version"], { cwd: work.dir, env });
  assert.equal(node.stdout.trim(), `v${expectedNode}`);

  const version = await run(autosync, ["--version"], { cwd: work.dir, env });
  assert.equal(version.code, 0, report(version));
  assert.equal(version.stdout, `${manifest.version}\n`);

  const validate = await run(autosync, ["validate", EXAMPLE_CONFIG], { cwd: work.dir, env });
  assert.equal(validate.code, 0, report(validate));
  assert.match(validate.stdout, /valid config/);

  // The prebuilt binary comes as an optional dependency (@parcel/watcher-<platform>), so no
  // install script is needed: subscribe for real and see a file appear.
  const watched = join(work.dir, `watched-${expectedNode}`);
  await mkdir(watched);
  const probe = await run(
    "node",
    [
      "--input-type=module",
      "-e",
      `const { default: watcher } = await import("@parcel/watcher");
       const seen = new Promise((resolve) => {
         watcher.subscribe(process.argv[1], (error, events) => { if (!error && events.length) resolve(events[0].path); })
           .then(() => import("node:fs").then((fs) => fs.writeFileSync(process.argv[1] + "/probe.txt", "x")));
       });
       process.stdout.write(await seen); process.exit(0);`,
      watched,
    ],
    { cwd: packageDir, env, timeoutMs: 30_000 },
  );
  assert.equal(probe.code, 0, report(probe));
  assert.equal(probe.stdout, join(watched, "probe.txt"));

  const demoDir = join(work.dir, `demo-${expectedNode}`);
  const demo = await run(autosync, ["demo", "--script", "--dir", demoDir], {
    cwd: work.dir,
    env,
    timeoutMs: 240_000,
  });
  assert.equal(demo.code, 0, report(demo));
  assert.match(demo.stdout, /demo script: OK/);
  assert.equal(existsSync(demoDir), false, "the demo removed its directory");
}

before(async () => {
  assert.ok(
    existsSync(AUTOSYNC_MAIN),
    "dist/ is missing: `npm test` builds it, or run `npm run build`",
  );
  work = await makeTempDir("autosync-install-test-");
  // Packs the dist/ that `npm test` just built (prepack would rebuild it under the other tests'
  // feet); the contents test below catches a stale or incomplete dist/.
  const packed = await run(
    "npm",
    ["pack", "--ignore-scripts", "--json", "--pack-destination", work.dir],
    { cwd: REPO_ROOT, env: npmEnv({ PATH: `${NODE_24}${delimiter}${process.env.PATH ?? ""}` }) },
  );
  assert.equal(packed.code, 0, report(packed));
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  assert.ok(info);
  tarball = join(work.dir, info.filename);
  packedFiles = info.files.map((file) => file.path);
});

after(async () => {
  await work?.cleanup();
  // npx keeps what it installed for a package spec under <cache>/_npx; this tarball's path is
  // never asked for again.
  await rm(join(npmEnv().npm_config_cache as string, "_npx"), { recursive: true, force: true });
});

// One at a time: run two at once on the shared 2-core box and the whole took longer
// (161 s against 125 s sequentially, node --import tsx --test <this file>).
describe("the packed package", () => {
  test("the package holds the built CLI, schemas, recipes and the docs the README links to, and nothing else", async () => {
    const files = new Set(packedFiles);
    const allowed =
      /^(dist\/.+\.js|schemas\/[^/]+\.json|recipes\/[^/]+\.yaml|recipes\/brz-server\/[^/]+\.py|docs\/[^/]+\.md|README\.md|LICENSE|package\.json|autosync\.config\.yaml)$/;
    assert.deepEqual(
      packedFiles.filter((path) => !allowed.test(path)),
      [],
      "no tests, sources, source maps or build info",
    );
    // One compiled file per source file: a stale dist/ would ship modules that no longer exist.
    const sources = await readdir(join(REPO_ROOT, "src"), { recursive: true });
    const expected = sources
      .filter((path) => /\.tsx?$/.test(path) && !path.endsWith(".d.ts"))
      .map((path) =>
        posix.join(
          "dist",
          path
            .split("\\")
            .join("/")
            .replace(/\.tsx?$/, ".js"),
        ),
      )
      .sort();
    assert.deepEqual(packedFiles.filter((path) => path.startsWith("dist/")).sort(), expected);
    for (const needed of [
      "schemas/autosync.schema.json",
      "schemas/recipe.schema.json",
      "recipes/git.yaml",
      "recipes/hg.yaml",
      "recipes/bzr.yaml",
      // The brz server plugin, found from dist/runtime/brz-server.js.
      "recipes/brz-server/__init__.py",
      "recipes/brz-server/server.py",
    ])
      assert.ok(files.has(needed), needed);
    // Relative links of README.md and docs/ must resolve inside the package (npm shows the README);
    // bench/ is the repository's benchmark suite, linked from the development section only.
    for (const page of packedFiles.filter((path) => path.endsWith(".md"))) {
      const text = readFileSync(join(REPO_ROOT, page), "utf8");
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target as string) || (target as string).startsWith("bench/")) continue;
        const resolved = posix.normalize(posix.join(posix.dirname(page), target as string));
        assert.ok(files.has(resolved), `${page} links to ${target as string}, not in the package`);
      }
    }
    // npm scripts get Node.js 24 from the devDependency `node`; users must not download it.
    assert.equal(manifest.dependencies.node, undefined);
  });

  test(
    "installed globally with install scripts blocked, autosync runs --version, validate and demo --script on Node.js 24",
    { timeout: 600_000 },
    async () => {
      const prefix = await node24Prefix();
      const version = (
        await run(join(NODE_24, "node"), ["--version"], { cwd: work.dir, env: process.env })
      ).stdout
        .trim()
        .slice(1);
      await checkInstalledCopy(NODE_24, prefix, version);
    },
  );

  test(
    `installed globally with install scripts blocked, autosync works on the oldest Node.js package.json allows (${manifest.engines.node})`,
    { timeout: 600_000 },
    async () => {
      assert.ok(minimum, `engines.node ${manifest.engines.node} has the form >=X.Y.Z`);
      const oldest = minimum.join(".");
      const nodeBin = await nodeFromNpm(oldest);
      const prefix = await installGlobally(nodeBin, `prefix-${oldest}`);
      await checkInstalledCopy(nodeBin, prefix, oldest);
    },
  );

  test(
    "npx --package <tarball> autosync runs the packed CLI on Node.js 24 and the oldest allowed",
    { timeout: 600_000 },
    async () => {
      assert.ok(minimum);
      const oldest = minimum.join(".");
      // The second run finds the first one's install in npm's _npx cache: it tests running there.
      for (const [nodeBin, expected] of [
        [NODE_24, /^v24\./],
        [await nodeFromNpm(oldest), new RegExp(`^v${oldest.replace(/\./g, "\\.")}$`)],
      ] as const) {
        const env = await isolatedEnv(nodeBin);
        const npx = await run(
          "npx",
          ["--yes", "--package", tarball, "--", "autosync", "validate", EXAMPLE_CONFIG],
          { cwd: work.dir, env },
        );
        assert.equal(npx.code, 0, report(npx));
        assert.match(npx.stdout, /valid config/);
        const node = await run("npx", ["--yes", "--package", tarball, "--", "node", "--version"], {
          cwd: work.dir,
          env,
        });
        assert.match(node.stdout.trim(), expected, report(node));
      }
    },
  );

  for (const old of OLD_NODES) {
    test(
      `on Node.js ${old} every command prints one line saying what it needs and how to get it, and exits 1`,
      { timeout: 600_000 },
      async () => {
        assert.ok(minimum);
        const prefix = await node24Prefix();
        const nodeBin = await nodeFromNpm(old);
        const env = await isolatedEnv(nodeBin, prefix);
        for (const args of [
          ["--version"],
          ["validate", EXAMPLE_CONFIG],
          ["run"],
          ["completion", "bash"],
          ["demo", "--script"],
          [],
        ]) {
          const result = await run(join(prefix, "bin", "autosync"), args, { cwd: work.dir, env });
          assert.equal(result.code, 1, `autosync ${args.join(" ")}: ${report(result)}`);
          assert.equal(result.stdout, "");
          const lines = result.stderr.split("\n");
          assert.deepEqual(lines.slice(1), [""], `one line: ${result.stderr}`);
          assert.match(
            lines[0] as string,
            new RegExp(
              `^autosync: needs Node\\.js ${formatNodeVersion(minimum).replace(/\./g, "\\.")} or newer, but this is Node\\.js ${old.replace(/\./g, "\\.")} \\(.*${"bin/node"}\\)\\. .*https://nodejs\\.org/.*nvm install ${minimum[0]}.*npx -p node@${minimum[0]} -p autosync autosync`,
            ),
          );
        }
      },
    );
  }
});
