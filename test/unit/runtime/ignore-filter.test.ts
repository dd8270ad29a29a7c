import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  createIgnoreFilter,
  type IgnoreFilterOptions,
} from "../../../src/runtime/ignore-filter.js";
import { EDITOR_TEMP_PATTERNS } from "../../../src/runtime/editor-temp-patterns.js";
import { makeTempDir } from "../../support/temp-dir.js";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const gitRecipe: IgnoreFilterOptions["recipe"] = {
  kind: "git",
  metadataDir: ".git",
  ignoreFiles: [
    { path: ".gitignore", scope: "every-level", syntax: "gitignore" },
    { path: ".git/info/exclude", scope: "root", syntax: "gitignore" },
  ],
};

async function tree(files: Record<string, string>): Promise<string> {
  const { dir, cleanup } = await makeTempDir("autosync-ignore-");
  cleanups.push(cleanup);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    if (path.endsWith("/")) await mkdir(join(dir, path), { recursive: true });
    else await writeFile(join(dir, path), content);
  }
  return dir;
}

function filterFor(root: string, extra: Partial<IgnoreFilterOptions> = {}) {
  return createIgnoreFilter({
    root,
    recipe: gitRecipe,
    ignore: { files: [], patterns: [] },
    globalExcludesFile: null,
    ...extra,
  });
}

describe("ignore filter", () => {
  test("the metadata directory and everything below it is ignored", async () => {
    const root = await tree({ ".git/HEAD": "ref", "a.txt": "a" });
    const filter = await filterFor(root);
    assert.equal(filter.isIgnored(".git"), true);
    assert.equal(filter.isIgnored(".git/objects/ab/cdef"), true);
    assert.equal(filter.isIgnored("a.txt"), false);
    assert.equal(filter.isIgnored(".gitignore"), false);
  });

  test("a .gitignore in a subdirectory applies relative to that directory", async () => {
    const root = await tree({
      ".git/HEAD": "",
      "sub/.gitignore": "*.log\n/build\ndeep/x.txt\n",
      "sub/a.log": "",
      "sub/inner/b.log": "",
      "sub/build/out": "",
      "sub/inner/build/kept": "",
      "sub/deep/x.txt": "",
      "other/a.log": "",
      "other/build/out": "",
      "other/deep/x.txt": "",
    });
    const filter = await filterFor(root);
    assert.equal(filter.isIgnored("sub/a.log"), true);
    assert.equal(filter.isIgnored("sub/inner/b.log"), true);
    assert.equal(filter.isIgnored("sub/build/out"), true);
    assert.equal(filter.isIgnored("sub/build", true), true);
    assert.equal(filter.isIgnored("sub/inner/build/kept"), false, "/build is anchored to sub/");
    assert.equal(filter.isIgnored("sub/deep/x.txt"), true);
    assert.equal(filter.isIgnored("other/a.log"), false);
    assert.equal(filter.isIgnored("other/build/out"), false);
    assert.equal(filter.isIgnored("other/deep/x.txt"), false);
  });

  test("a negation re-includes, and a deeper .gitignore overrides a shallower one", async () => {
    const root = await tree({
      ".git/HEAD": "",
      ".gitignore": "*.tmp\n!keep.tmp\nsecret/\n",
      "notes/.gitignore": "!notes-only.tmp\n",
      "notes/x": "",
      "secret/x": "",
    });
    const filter = await filterFor(root);
    assert.equal(filter.isIgnored("a.tmp"), true);
    assert.equal(filter.isIgnored("keep.tmp"), false);
    assert.equal(filter.isIgnored("deep/keep.tmp"), false);
    assert.equal(filter.isIgnored("notes/notes-only.tmp"), false);
    assert.equal(filter.isIgnored("other/notes-only.tmp"), true);
    assert.equal(filter.isIgnored("secret/x"), true);
    assert.equal(filter.isIgnored("secret", true), true);
  });

  test(".git/info/exclude, the global excludes file and the config's patterns and files apply", async () => {
    const root = await tree({
      ".git/HEAD": "",
      ".git/info/exclude": "from-exclude.txt\n",
      "extra-ignore": "from-extra-file/\n",
      "from-extra-file/x": "",
    });
    const { dir: home, cleanup } = await makeTempDir("autosync-home-");
    cleanups.push(cleanup);
    await writeFile(join(home, "global-ignore"), "*.global\n");
    await writeFile(
      join(home, "gitconfig"),
      `[core]\n\texcludesFile = ${join(home, "global-ignore")}\n`,
    );
    const filter = await createIgnoreFilter({
      root,
      recipe: gitRecipe,
      ignore: { files: ["extra-ignore"], patterns: ["*.cfg-pattern"] },
      env: { ...process.env, HOME: home, GIT_CONFIG_GLOBAL: join(home, "gitconfig") },
    });
    assert.equal(filter.isIgnored("from-exclude.txt"), true);
    assert.equal(filter.isIgnored("x/y.global"), true);
    assert.equal(filter.isIgnored("a.cfg-pattern"), true);
    assert.equal(filter.isIgnored("from-extra-file/x"), true);
    assert.equal(filter.isIgnored("plain.txt"), false);
  });

  test("the global excludes file defaults to ~/.config/git/ignore", async () => {
    const root = await tree({ ".git/HEAD": "" });
    const { dir: home, cleanup } = await makeTempDir("autosync-home-");
    cleanups.push(cleanup);
    await mkdir(join(home, ".config", "git"), { recursive: true });
    await writeFile(join(home, ".config", "git", "ignore"), "*.default-global\n");
    await writeFile(join(home, "empty-gitconfig"), "");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      GIT_CONFIG_GLOBAL: join(home, "empty-gitconfig"),
    };
    delete env.XDG_CONFIG_HOME;
    const filter = await createIgnoreFilter({
      root,
      recipe: gitRecipe,
      ignore: { files: [], patterns: [] },
      env,
    });
    assert.equal(filter.isIgnored("a.default-global"), true);
  });

  test("nested working copies are ignored, found at start and when they appear", async () => {
    const root = await tree({
      ".git/HEAD": "",
      "vendor/lib/.git/HEAD": "",
      "vendor/lib/file.c": "",
      "hgrepo/.hg/store": "",
      "submodule/.git": "gitdir: ../.git/modules/x",
      "plain/file": "",
    });
    const filter = await filterFor(root);
    assert.deepEqual(filter.nestedRepositories(), ["hgrepo", "submodule", "vendor/lib"]);
    assert.equal(filter.isIgnored("vendor/lib", true), true);
    assert.equal(filter.isIgnored("vendor/lib/file.c"), true);
    assert.equal(filter.isIgnored("hgrepo/anything"), true);
    assert.equal(filter.isIgnored("plain/file"), false);

    // A working copy moved into the tree arrives as one new directory.
    const { dir: outside, cleanup } = await makeTempDir("autosync-outside-");
    cleanups.push(cleanup);
    await mkdir(join(outside, "moved", ".bzr"), { recursive: true });
    await writeFile(join(outside, "moved", "doc.txt"), "x");
    await rename(join(outside, "moved"), join(root, "plain", "moved"));
    assert.equal(await filter.observe(["plain/moved"]), true);
    assert.equal(filter.isIgnored("plain/moved/doc.txt"), true);

    // `git init` in an existing directory shows up as paths below its new .git.
    await mkdir(join(root, "later", ".git"), { recursive: true });
    await writeFile(join(root, "later", "kept.txt"), "x");
    assert.equal(filter.isIgnored("later/.git/HEAD"), true);
    await filter.observe(["later/.git", "later/.git/HEAD"]);
    assert.equal(filter.isIgnored("later/kept.txt"), true);
  });

  test("editor temp files are ignored in every directory and cannot be re-included", async () => {
    const root = await tree({ ".git/HEAD": "", ".gitignore": "!*.swp\n!4913\n" });
    const filter = await filterFor(root);
    const temps = [
      ".notes.md.swp",
      "dir/.notes.md.swo",
      "notes.md.swp",
      "dir/4913",
      "notes.md~",
      ".#notes.md",
      "dir/#notes.md#",
      "notes.md___jb_tmp___",
      "notes.md___jb_old___",
      ".~lock.report.odt#",
      "notes.md.kate-swp",
      ".goutputstream-ABC123",
      "dir/.DS_Store",
    ];
    for (const temp of temps) assert.equal(filter.isIgnored(temp), true, temp);
    for (const real of ["notes.md", "dir/4913.txt", "swp", "a#b", "jb_tmp.txt"]) {
      assert.equal(filter.isIgnored(real), false, real);
    }
    for (const entry of EDITOR_TEMP_PATTERNS) assert.ok(entry.editor.length > 0);
  });

  test("changing a .gitignore reloads the rules", async () => {
    const root = await tree({ ".git/HEAD": "", "docs/.gitignore": "" });
    const filter = await filterFor(root);
    assert.equal(filter.isIgnored("docs/draft.txt"), false);
    await writeFile(join(root, "docs", ".gitignore"), "draft.txt\n");
    assert.equal(await filter.observe(["docs/.gitignore"]), true);
    assert.equal(filter.isIgnored("docs/draft.txt"), true);
    assert.equal(filter.isIgnored("draft.txt"), false);
  });

  test("a new directory with its own .gitignore is picked up", async () => {
    const root = await tree({ ".git/HEAD": "" });
    const filter = await filterFor(root);
    await mkdir(join(root, "project"));
    await writeFile(join(root, "project", ".gitignore"), "node_modules/\n");
    assert.equal(await filter.observe(["project"]), true);
    assert.equal(filter.isIgnored("project/node_modules/x/index.js"), true);
    assert.equal(await filter.observe(["project/plain.txt"]), false);
  });

  test("directory names with glob characters are taken literally", async () => {
    const root = await tree({ ".git/HEAD": "", "[draft] #1/.gitignore": "*.bak\n" });
    const filter = await filterFor(root);
    assert.equal(filter.isIgnored("[draft] #1/x.bak"), true);
    assert.equal(filter.isIgnored("d/x.bak"), false);
  });

  test(".hgignore: regexp by default, syntax: glob switches, prefixes per line", async () => {
    const root = await tree({
      ".hg/store": "",
      ".hgignore": [
        "# comment",
        "\\.orig$",
        "^build/",
        "syntax: glob",
        "*.pyc",
        "cache/tmp",
        "re:(?i)\\.BAK$",
        "path:exact/file.txt",
      ].join("\n"),
    });
    const filter = await createIgnoreFilter({
      root,
      recipe: {
        kind: "hg",
        metadataDir: ".hg",
        ignoreFiles: [{ path: ".hgignore", scope: "root", syntax: "hgignore" }],
      },
      ignore: { files: [], patterns: [] },
    });
    assert.equal(filter.isIgnored(".hg/store"), true);
    assert.equal(filter.isIgnored("a/b.orig"), true);
    assert.equal(filter.isIgnored("build/x"), true);
    assert.equal(filter.isIgnored("src/build/x"), false);
    assert.equal(filter.isIgnored("deep/m.pyc"), true);
    assert.equal(filter.isIgnored("x/cache/tmp/y"), true);
    assert.equal(filter.isIgnored("x/y.bak"), true);
    assert.equal(filter.isIgnored("exact/file.txt"), true);
    assert.equal(filter.isIgnored("a/exact/file.txt"), false);
    assert.equal(filter.isIgnored("notes.txt"), false);
    assert.deepEqual(filter.problems(), []);
  });

  test(".bzrignore: basename globs, rooted ./ paths, RE: and ! exceptions", async () => {
    const root = await tree({
      ".bzr/x": "",
      ".bzrignore": ["*.o", "./top-only", "!keep.o", "RE:.*\\.tmp[0-9]+", "lib/*.a"].join("\n"),
    });
    const filter = await createIgnoreFilter({
      root,
      recipe: {
        kind: "bzr",
        metadataDir: ".bzr",
        ignoreFiles: [{ path: ".bzrignore", scope: "root", syntax: "bzrignore" }],
      },
      ignore: { files: [], patterns: [] },
    });
    assert.equal(filter.isIgnored("x/y.o"), true);
    assert.equal(filter.isIgnored("x/keep.o"), false);
    assert.equal(filter.isIgnored("top-only"), true);
    assert.equal(filter.isIgnored("x/top-only"), false);
    assert.equal(filter.isIgnored("a/b.tmp12"), true);
    assert.equal(filter.isIgnored("lib/z.a"), true);
    assert.equal(filter.isIgnored("x/lib/z.a"), false);
  });
});
