/**
 * What the worker test files share: the task `security-review` of issue 42 (its branch and bookkeeping paths) and a
 * fresh rig (bare origin, clones) per test.
 */
import { afterEach, beforeEach } from "vitest";
import { makeRig, type Rig } from "./helpers.js";

export const BRANCH = "dispatch/42/security-review";
export const DIR = ".dispatch/tasks/security-review";
export const PLAN = `${DIR}/plan.md`;

/** A new rig before each test of the file, removed after it; call `rig()` inside a test. */
export function useRig(): () => Rig {
  let current: Rig | undefined;
  beforeEach(async () => {
    current = await makeRig();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("useRig: no rig outside a test");
    return current;
  };
}
