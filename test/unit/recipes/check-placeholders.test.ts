import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { Ajv2020 } from "ajv/dist/2020.js";
import { checkPlaceholders } from "../../../src/recipes/check-placeholders.js";
import type { Recipe } from "../../../src/recipes/recipe.js";

async function gitRecipe(): Promise<Recipe> {
  return parse(
    await readFile(new URL("../../../recipes/git.yaml", import.meta.url), "utf8"),
  ) as Recipe;
}

test("the git recipe is valid against the schema and uses only allowed placeholders", async () => {
  const schema = JSON.parse(
    await readFile(new URL("../../../schemas/recipe.schema.json", import.meta.url), "utf8"),
  ) as object;
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  const recipe = await gitRecipe();
  assert.equal(validate(recipe), true, JSON.stringify(validate.errors));
  assert.deepEqual(checkPlaceholders(recipe), []);
});

test("a placeholder a command does not get is reported with its key path", async () => {
  const recipe = await gitRecipe();
  recipe.commands.push = ["git", "push", "{remote}", "{message}"];
  recipe.commands.addAll = ["git", "add", "-A", "--", "{paths}"];
  assert.deepEqual(
    checkPlaceholders(recipe),
    [
      {
        keyPath: "commands.addAll[4]",
        expected: "no placeholders in commands.addAll (write {{ and }} for literal braces)",
        found: "{paths}",
      },
      {
        keyPath: "commands.push[3]",
        expected:
          "only {remote}, {remoteBranch}, {branch}, {mailbox} in commands.push (write {{ and }} for literal braces)",
        found: "{message}",
      },
    ].sort((x, y) => x.keyPath.localeCompare(y.keyPath)),
  );
});

test("{paths} glued into a larger element is reported", async () => {
  const recipe = await gitRecipe();
  recipe.commands.addPaths = ["git", "add", "--", "./{paths}"];
  const [problem] = checkPlaceholders(recipe);
  assert.equal(problem?.keyPath, "commands.addPaths[3]");
  assert.equal(problem?.found, "./{paths}");
});

test("git revision syntax needs doubled braces, and then passes", async () => {
  const recipe = await gitRecipe();
  recipe.commands.resolveRef = ["git", "rev-parse", "@{upstream}"];
  assert.equal(checkPlaceholders(recipe)[0]?.found, "{upstream}");
  recipe.commands.resolveRef = ["git", "rev-parse", "@{{upstream}}"];
  assert.deepEqual(checkPlaceholders(recipe), []);
});

test("identityEnv only takes {name} and {email}", async () => {
  const recipe = await gitRecipe();
  recipe.identityEnv = { GIT_AUTHOR_NAME: "{name}", GIT_AUTHOR_EMAIL: "{host}" };
  assert.deepEqual(checkPlaceholders(recipe), [
    { keyPath: "identityEnv.GIT_AUTHOR_EMAIL", expected: "only {name}, {email}", found: "{host}" },
  ]);
});
