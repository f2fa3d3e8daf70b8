#!/usr/bin/env node
// Run the README's test command (`npm test`) N times in a row and report what a flaky suite would hide:
//
//   npm run test:repeat -- 10                 ten full runs
//   npm run test:repeat -- 2 test/cli         vitest filters after N narrow every run (the type check still runs)
//   npm run test:repeat -- 5 --durations      and write each file's median duration to test/durations.json, the
//                                             table test/setup/longest-first.ts starts the longest files first by
//
// Prints per run: pass or fail and its duration; then the totals (passed and failed runs, every failing test with
// how often it failed) and the slowest test files (median and maximum over the runs, from vitest's JSON reporter).
// Each run's full output is kept in a log file, named when the run fails. Exit code 1 when any run failed.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const saveDurations = args.includes("--durations");
const [countArg, ...filters] = args.filter((arg) => arg !== "--durations");
const runs = Number(countArg ?? "10");
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`test-repeat: the first argument is the number of runs (got ${JSON.stringify(countArg)})\nusage: npm run test:repeat -- N [vitest filters…]`);
  process.exit(2);
}
const SLOWEST = 10;

const folder = await mkdtemp(join(tmpdir(), "dispatch-test-repeat-"));
const results = [];
console.log(`test-repeat: ${runs} run(s) of npm test${filters.length ? ` (filters: ${filters.join(" ")})` : ""}; logs in ${folder}`);
for (let run = 1; run <= runs; run++) {
  const report = join(folder, `run-${run}.json`);
  const log = join(folder, `run-${run}.log`);
  const started = Date.now();
  const code = await npmTest({ args: [...filters, "--reporter=dot", "--reporter=json", `--outputFile.json=${report}`], log });
  const seconds = (Date.now() - started) / 1000;
  const parsed = readReport(report);
  const result = { run, passed: code === 0, seconds, log, ...parsed };
  results.push(result);
  const counts = parsed.tests ? ` (${parsed.tests.passed}/${parsed.tests.total} tests passed)` : " (no vitest report: the type check or vitest itself failed)";
  console.log(`run ${String(run).padStart(String(runs).length)}/${runs}: ${result.passed ? "PASS" : "FAIL"} in ${seconds.toFixed(1)} s${counts}${result.passed ? "" : `  log: ${log}`}`);
  for (const name of parsed.failing) console.log(`    ✗ ${name}`);
}

const passed = results.filter((r) => r.passed);
const seconds = results.map((r) => r.seconds).sort((a, b) => a - b);
console.log(`\ntotals: ${passed.length} passed, ${results.length - passed.length} failed of ${results.length} run(s); duration median ${median(seconds).toFixed(1)} s, range ${seconds[0].toFixed(1)}–${seconds.at(-1).toFixed(1)} s`);
const failures = new Map();
for (const result of results) for (const name of result.failing) failures.set(name, (failures.get(name) ?? 0) + 1);
if (failures.size > 0) {
  console.log("failing tests:");
  for (const [name, times] of [...failures].sort((a, b) => b[1] - a[1])) console.log(`  ${times}× ${name}`);
}
const byFile = new Map();
for (const result of results) for (const [file, ms] of result.files) byFile.set(file, [...(byFile.get(file) ?? []), ms]);
if (byFile.size > 0) {
  console.log(`slowest test files (median and maximum over ${results.length} run(s)):`);
  const rows = [...byFile].map(([file, all]) => ({ file, median: median(all.sort((a, b) => a - b)), max: Math.max(...all) }));
  for (const row of rows.sort((a, b) => b.median - a.median).slice(0, SLOWEST)) {
    console.log(`  ${(row.median / 1000).toFixed(1).padStart(6)} s  max ${(row.max / 1000).toFixed(1).padStart(6)} s  ${row.file}`);
  }
}
if (saveDurations) writeDurations(byFile, results.length);
process.exit(passed.length === results.length ? 0 : 1);

/** test/durations.json: each file's median duration in seconds over the runs, longest first. */
function writeDurations(byFile, runs) {
  if (filters.length > 0) {
    console.log("durations: not written (filtered runs do not measure every file)");
    return;
  }
  const seconds = Object.fromEntries(
    [...byFile]
      .map(([file, all]) => [file, Math.round(median([...all].sort((a, b) => a - b)) / 100) / 10])
      .sort((a, b) => b[1] - a[1]),
  );
  const table = {
    about: "Median seconds per test file over the last `npm run test:repeat -- N --durations`; test/setup/longest-first.ts starts the longest first.",
    runs,
    measured: new Date().toISOString().slice(0, 10),
    seconds,
  };
  writeFileSync(join(root, "test/durations.json"), `${JSON.stringify(table, null, 2)}\n`);
  console.log(`durations: test/durations.json written (${Object.keys(seconds).length} files, median of ${runs} run(s))`);
}

/** `npm test -- <args>`, its output into `log`; resolves with the exit code. */
function npmTest({ args, log }) {
  return new Promise((resolvePromise) => {
    const out = createWriteStream(log);
    const child = spawn("npm", ["test", "--", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on("close", (code, signal) => {
      out.end(() => resolvePromise(code ?? (signal ? 128 : 1)));
    });
  });
}

/** Vitest's JSON report: test counts, the failing tests' names, each file's duration. */
function readReport(path) {
  if (!existsSync(path)) return { tests: null, failing: [], files: [] };
  const report = JSON.parse(readFileSync(path, "utf8"));
  const failing = [];
  const files = [];
  for (const file of report.testResults ?? []) {
    const name = relative(root, file.name);
    files.push([name, Math.max(0, (file.endTime ?? 0) - (file.startTime ?? 0))]);
    const failed = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const test of failed) failing.push(`${name} > ${test.fullName}`);
    // A file that failed without a failing test (an error while loading it, a hook) is named as the file.
    if (file.status === "failed" && failed.length === 0) failing.push(`${name} (${(file.message ?? "failed").split("\n")[0]})`);
  }
  return { tests: { total: report.numTotalTests ?? 0, passed: report.numPassedTests ?? 0 }, failing, files };
}

function median(sorted) {
  if (sorted.length === 0) return 0;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
