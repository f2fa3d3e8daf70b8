#!/usr/bin/env node
// `npm test`: the type check and every vitest test, side by side (the type check is a few seconds of one core that
// would otherwise come first). Arguments go to vitest (`npm test -- test/cli`). Exit code 1 when either fails; the
// type errors are printed after vitest's report.
import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => resolve(root, "node_modules/.bin", name);

const typecheck = new Promise((done) => {
  const child = spawn("npm", ["run", "--silent", "typecheck"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  child.on("error", (error) => done({ code: 1, output: String(error) }));
  child.on("close", (code) => done({ code: code ?? 1, output }));
});
const tests = new Promise((done) => {
  const child = spawn(bin("vitest"), ["run", ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
  child.on("error", () => done(1));
  child.on("close", (code) => done(code ?? 1));
});

const [checked, tested] = await Promise.all([typecheck, tests]);
if (checked.code !== 0) console.error(`\nnpm test: the type check failed (npm run typecheck):\n${checked.output}`);
else console.log("npm test: the type check passed");
process.exit(checked.code !== 0 || tested !== 0 ? 1 : 0);
