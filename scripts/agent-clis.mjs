#!/usr/bin/env node
// One source of truth for the agent CLI versions: package-lock.json (what the tests ran). Writes
// action/agent-clis.json, which the workflow installs from; `--check` fails when the two disagree.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// `scripts`: whether the package needs its install script (claude's postinstall puts its native binary in place;
// gemini is plain JavaScript, codex takes its binary from an optional dependency).
const AGENTS = {
  claude: { package: "@anthropic-ai/claude-code", scripts: true },
  gemini: { package: "@google/gemini-cli", scripts: false },
  codex: { package: "@openai/codex", scripts: false },
};

export function agentClis(lock) {
  const out = {};
  for (const [agent, { package: name, scripts }] of Object.entries(AGENTS)) {
    const version = lock.packages?.[`node_modules/${name}`]?.version;
    if (!version) throw new Error(`package-lock.json has no ${name}`);
    out[agent] = { package: name, version, scripts };
  }
  return out;
}

const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
const text = `${JSON.stringify(agentClis(lock), null, 2)}\n`;
const target = join(root, "action/agent-clis.json");
if (process.argv.includes("--check")) {
  const current = readFileSync(target, "utf8");
  if (current !== text) {
    console.error("action/agent-clis.json differs from package-lock.json: run npm run agent-clis");
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(text.trim());
}
