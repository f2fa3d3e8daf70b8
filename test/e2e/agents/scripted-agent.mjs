#!/usr/bin/env node
// A deterministic coding agent for end-to-end runs, given to the Action as `agent-command`:
//   node scripted-agent.mjs <script.json>
// It works in the worktree like a real agent would: rewrites or keeps the checklist in $DISPATCH_PLAN, ticks the
// items one by one, edits files, asks with `dispatch-ask`, fails an item with a reason, writes output.md.
//
// script.json maps a task id, a "/regex/" over task ids, or "*" (any task), first match in that order, to:
//   { "items": ["…"],                      replace the checklist with these items (unticked)
//     "edits": { "path": "content" },      files to write in the worktree (real changes: the task gets a PR);
//                                           "{task}" in a path or content is the task id
//     "ask": "question", "askAt": 0,       ask before working item askAt (default 0); the answer goes to output.md
//     "failAt": 1, "reason": "…",          mark that item [!] with the reason and exit 1
//     "failOnce": "<marker file>",         fail only while this file does not exist (it is created on failing): a retry succeeds
//     "output": "summary text",            ("{task}" is the task id here too)
//     "delayMs": 0,                        pause after each tick (lets progress pushes be seen)
//     "echoThread": true }                 copy the prompt's `## The thread` section (from $DISPATCH_PROMPT_FILE) into output.md
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const [scriptPath] = process.argv.slice(2);
const script = scriptPath ? JSON.parse(readFileSync(scriptPath, "utf8")) : {};
const task = process.env.DISPATCH_TASK ?? "";
const plan = process.env.DISPATCH_PLAN;
const folder = process.env.DISPATCH_DIR;
if (!plan || !folder) {
  console.error("scripted-agent: DISPATCH_PLAN and DISPATCH_DIR must be set (run me as agent-command)");
  process.exit(2);
}
const byPattern = Object.keys(script).find((key) => /^\/.+\/$/.test(key) && new RegExp(key.slice(1, -1)).test(task));
const spec = script[task] ?? (byPattern ? script[byPattern] : undefined) ?? script["*"] ?? {};

function writeAtomically(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${Date.now()}.${process.pid}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, path);
}

const ITEM = /^(\s*- \[)([ x?!])(\] )(.*)$/;
let lines = readFileSync(plan, "utf8").split("\n");
if (Array.isArray(spec.items)) {
  const first = lines.findIndex((line) => ITEM.test(line));
  const kept = lines.filter((line) => !ITEM.test(line) && !/^\s{2,}\S/.test(line));
  const at = first >= 0 ? first : kept.length;
  lines = [...kept.slice(0, at), ...spec.items.map((item) => `- [ ] ${item}`), ...kept.slice(at)];
  writeAtomically(plan, lines.join("\n"));
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const answers = [];
const failing = spec.failAt !== undefined && !(spec.failOnce && existsSync(spec.failOnce));
let index = -1;
for (let i = 0; i < lines.length; i++) {
  const match = ITEM.exec(lines[i]);
  if (!match || match[2] !== " ") continue;
  index++;
  if (spec.ask && index === (spec.askAt ?? 0)) {
    try {
      answers.push(execFileSync("dispatch-ask", [spec.ask], { encoding: "utf8" }).trim());
    } catch (error) {
      console.error(`scripted-agent: dispatch-ask ended with ${error.status}; stopping`);
      process.exit(error.status === 3 ? 3 : 1);
    }
    lines = readFileSync(plan, "utf8").split("\n"); // the worker may have edited the plan meanwhile
    const again = lines.findIndex((line) => line.endsWith(match[4]) && ITEM.test(line));
    if (again >= 0) i = again;
  }
  if (failing && index === spec.failAt) {
    lines[i] = `${match[1]}!${match[3]}${match[4]}`;
    lines.splice(i + 1, 0, `  ${spec.reason ?? "scripted failure"}`);
    writeAtomically(plan, lines.join("\n"));
    if (spec.failOnce) writeFileSync(spec.failOnce, "failed once\n");
    console.error(`scripted-agent: ${spec.reason ?? "scripted failure"}`);
    process.exit(1);
  }
  lines[i] = `${match[1]}x${match[3]}${match[4]}`;
  writeAtomically(plan, lines.join("\n"));
  console.log(`ticked: ${match[4]}`);
  if (spec.delayMs) sleep(spec.delayMs);
}

const fill = (text) => text.replaceAll("{task}", task);
for (const [path, content] of Object.entries(spec.edits ?? {})) writeAtomically(join(process.cwd(), fill(path)), fill(content));
const thread = () => {
  const prompt = readFileSync(process.env.DISPATCH_PROMPT_FILE ?? "", "utf8");
  const start = prompt.indexOf("## The thread");
  if (start < 0) return "(the prompt has no thread section)";
  const end = prompt.indexOf("\n## ", start + 1);
  return prompt.slice(start, end < 0 ? undefined : end).trim().replace(/^## /, "### What I was given: ");
};
const output = [fill(spec.output ?? `Finished ${task}.`), ...(spec.echoThread ? [thread()] : []), ...answers.map((answer) => `Answer received: ${answer}`)].join("\n\n");
writeAtomically(join(folder, "output.md"), `${output}\n`);
