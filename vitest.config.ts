/**
 * Three projects, so that each kind of test gets the concurrency and time it needs on a busy 2-core machine:
 * - unit: pure core, the app against a fake GitHub, the CLI, the Action's metadata and bundle, the workflow file;
 * - worker: the worker on real git with scripted and real agents (a few processes per test);
 * - e2e: the stand-in GitHub, the real app and the local runner running a bundle built fresh from the sources
 *   (test/setup/fresh-action.ts), many processes per test.
 * Most test files wait on processes (git, agents, the Action, a model server's silence) far more than they compute,
 * so 6 files run at once on 2 cores (vitest's default is cores − 1: one file at a time here, the machine idle half the
 * time; with 4 the first minute, all real CLIs waiting out their limits, left a core idle; 8 measured slower), the
 * longest first (test/setup/longest-first.ts, by test/durations.json). Timeouts are several times the slowest duration
 * measured on a loaded 2-core machine, so load slows a run down instead of failing it. `npm run test:repeat -- N`
 * reports durations per file (`--durations` writes the table).
 */
import { defineConfig } from "vitest/config";
import LongestFirst from "./test/setup/longest-first.js";

export default defineConfig({
  test: {
    maxWorkers: 6,
    // Longest first, by test/durations.json: the files that mostly wait start beside the busy ones.
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/worker/**", "test/e2e/**"],
          // lib/ compiled once for the CLI and production-install tests.
          globalSetup: ["test/setup/built-lib.ts"],
          // Pure functions and in-process fakes: one module graph per worker (GitHub's OpenAPI description, Probot and
          // Octokit loaded once, not once per file).
          isolate: false,
          // Slowest tests here: the bundle under Node 24 (~10 s, npx fetch aside), CLI process runs (~1 s each).
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          // dispatch-ask runs from the Action bundled now from the sources (test/setup/fresh-action.ts).
          globalSetup: ["test/setup/fresh-action.ts"],
          setupFiles: ["test/setup/fresh-action-env.ts"],
          // Slowest test alone: ~6 s with scripted agents (two workers at once, a question answered); the real CLIs
          // at their default limits ~65 s (test/worker/real-failures.test.ts sets its own).
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          isolate: false,
          globalSetup: ["test/setup/fresh-action.ts"],
          setupFiles: ["test/setup/fresh-action-env.ts"],
          // Each scenario runs the app, the stand-in and up to three Action processes with agents and git. (vitest
          // runs projects of one group with one maxWorkers; a smaller one for e2e would put it in a later group, after
          // the slowest worker file.)
          // Slowest scenario: ~15 s alone on an idle machine, 48 s under a load average of 10; 180 s leaves room.
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
