/**
 * Per test file of a project with the fresh-action global setup: hand the bundles' paths (and the e2e App's key pair)
 * to the code under test (the e2e harness and its runner, the worker tests' dispatch-ask) through the environment.
 */
import { inject } from "vitest";
import { APP_BUNDLE_VARIABLE, APP_KEY_VARIABLE, BUNDLE_VARIABLE } from "../e2e/provided.js";

process.env[BUNDLE_VARIABLE] = inject("actionBundle");
const app = inject("appBundle");
if (app) process.env[APP_BUNDLE_VARIABLE] = app;
const key = inject("appKey");
if (key) process.env[APP_KEY_VARIABLE] = JSON.stringify(key);
