/**
 * Per test file of a project with the fresh-action global setup: hand the bundle's path to the code under test (the
 * e2e harness's runner, the worker tests' dispatch-ask) through the environment.
 */
import { inject } from "vitest";
import { BUNDLE_VARIABLE } from "../e2e/action-bundle.js";

process.env[BUNDLE_VARIABLE] = inject("actionBundle");
