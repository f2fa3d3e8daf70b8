#!/usr/bin/env node
// One source of truth for the agent CLI versions: package-lock.json (what the tests ran). Writes those exact
// versions into the install step of .github/workflows/dispatch.yml (which repositories copy, so it must carry them);
// `--check` fails when the two disagree (a test runs the same comparison).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PACKAGES = ["@anthropic-ai/claude-code", "@google/gemini-cli", "@openai/codex"];
const WORKFLOW = join(root, ".github/workflows/dispatch.yml");

const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
let text = readFileSync(WORKFLOW, "utf8");
const before = text;
for (const name of PACKAGES) {
  const version = lock.packages?.[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`package-lock.json has no ${name}`);
  const pattern = new RegExp(`${escape(name)}@[0-9][^\\s"']*`, "g");
  if (!pattern.test(text)) throw new Error(`${WORKFLOW} does not install ${name}@<version>`);
  text = text.replace(pattern, `${name}@${version}`);
}
if (process.argv.includes("--check")) {
  if (text !== before) {
    console.error("the agent CLI versions in dispatch.yml differ from package-lock.json: run npm run agent-clis");
    process.exit(1);
  }
} else {
  writeFileSync(WORKFLOW, text);
  console.log(text === before ? "dispatch.yml already installs the locked versions" : "dispatch.yml updated to the locked versions");
}
