/**
 * Three projects, so that each kind of test gets the concurrency and time it needs on a busy 2-core machine:
 * - unit: pure core, the app against a fake GitHub, the CLI, the Action's metadata and bundle, the workflow file;
 * - worker: the worker on real git with scripted agents (a few processes per test);
 * - e2e: the stand-in GitHub, the real app and the local runner running a bundle built fresh from the sources
 *   (test/setup/fresh-action.ts) — many processes per test, so one file at a time, after the other two projects.
 * Timeouts are several times the slowest duration measured on an idle 2-core machine (see the comments), so a loaded
 * machine slows a run down instead of failing it. `npm run test:repeat -- N` reports durations per file.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/worker/**", "test/e2e/**"],
          // Slowest tests here: the bundle under Node 24 (~10 s, npx fetch aside), CLI process runs (~1 s each).
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 0 },
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
          // Slowest test alone: ~6 s (two workers at once, a question answered); 10x for a loaded machine.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/setup/fresh-action.ts"],
          setupFiles: ["test/setup/fresh-action-env.ts"],
          // Each scenario runs the app, the stand-in and up to three Action processes with agents and git: one file
          // at a time, after the unit and worker projects are done (a later group), so they never compete.
          maxWorkers: 1,
          fileParallelism: false,
          // Slowest scenario: ~15 s alone on an idle machine, 48 s under a load average of 10; 180 s leaves room.
          testTimeout: 180_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
