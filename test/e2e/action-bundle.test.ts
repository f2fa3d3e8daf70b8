import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { actionBundle, BUNDLE_VARIABLE } from "./action-bundle.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const given = process.env[BUNDLE_VARIABLE];

afterEach(() => {
  if (given === undefined) delete process.env[BUNDLE_VARIABLE];
  else process.env[BUNDLE_VARIABLE] = given;
});

describe("the Action bundle the e2e scenarios run", () => {
  it("is built from the sources by the e2e project's global setup, beside a copy of action.yml, not the committed one", () => {
    const path = actionBundle();
    expect(path).not.toBe(join(ROOT, "action/dist/index.js"));
    expect(readFileSync(path, "utf8")).toMatch(/^import \{ createRequire as __dispatchCreateRequire \}/);
    expect(readFileSync(join(path, "../../action.yml"), "utf8")).toBe(readFileSync(join(ROOT, "action/action.yml"), "utf8"));
  });

  it("a missing bundle is an error that says how to build one, never a silent skip", () => {
    delete process.env[BUNDLE_VARIABLE];
    expect(() => actionBundle()).toThrow(/no Action bundle to run: run the e2e tests through vitest's e2e project .*node scripts\/build-action\.mjs/);
    process.env[BUNDLE_VARIABLE] = join(ROOT, "no-such-folder/dist/index.js");
    expect(existsSync(process.env[BUNDLE_VARIABLE])).toBe(false);
    expect(() => actionBundle()).toThrow(/no-such-folder\/dist\/index\.js does not exist: run the e2e tests/);
  });

  it("a test's own Action is used as given", () => {
    expect(actionBundle("/elsewhere/dist/index.js")).toBe("/elsewhere/dist/index.js");
  });
});
