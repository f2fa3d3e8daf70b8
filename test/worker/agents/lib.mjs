// Shared by the scripted agents: small stand-ins for the agent CLIs, driven by the worker's environment.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";

export const plan = process.env.DISPATCH_PLAN;
export const dir = process.env.DISPATCH_DIR;
export const prompt = readFileSync(process.env.DISPATCH_PROMPT_FILE, "utf8");
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Tick the first pending item; false when none is left. */
export function tick(note) {
  const text = readFileSync(plan, "utf8");
  if (!/- \[ \]/.test(text)) return false;
  let done = false;
  const next = text.replace(/- \[ \] (.*)/, (_, item) => ((done = true), `- [x] ${item}${note ? ` — ${note}` : ""}`));
  writeFileSync(plan, next);
  return done;
}

export function pending() {
  return (readFileSync(plan, "utf8").match(/- \[ \]/g) ?? []).length;
}

/** Write a file of "real work" in the worktree (cwd). */
export function work(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export function output(text) {
  writeFileSync(join(dir, "output.md"), text);
}

export async function waitForFile(path) {
  while (!existsSync(path)) await sleep(20);
}

export function ask(question) {
  const r = spawnSync("dispatch-ask", [question], { encoding: "utf8" });
  return { code: r.status, answer: (r.stdout ?? "").trim(), error: r.stderr ?? "" };
}
