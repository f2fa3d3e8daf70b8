/** Per test file of the e2e project: hand the fresh bundle from the global setup to the harness. */
import { inject } from "vitest";
import { BUNDLE_VARIABLE } from "./action-bundle.js";

process.env[BUNDLE_VARIABLE] = inject("actionBundle");
