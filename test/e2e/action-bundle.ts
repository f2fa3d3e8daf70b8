/**
 * The Action as the e2e scenarios and the sandbox run it: bundled fresh from the sources by scripts/build-action.mjs
 * (the same build as the committed action/dist/index.js, which test/action checks byte for byte) into a temporary
 * folder laid out like `action/`: `action.yml` beside `dist/index.js`, so the local runner reads the inputs' defaults.
 */
import { execa } from "execa";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUNDLE_VARIABLE } from "./provided.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export { APP_BUNDLE_VARIABLE, BUNDLE_VARIABLE } from "./provided.js";

export const HOW_TO_BUILD =
  `run the e2e tests through vitest's e2e project (npm test, or npx vitest run --project e2e), whose global setup builds ` +
  `the Action from the sources; or build one yourself (node scripts/build-action.mjs /tmp/dispatch-action/dist/index.js, ` +
  `then copy action/action.yml to /tmp/dispatch-action/) and set ${BUNDLE_VARIABLE}=/tmp/dispatch-action/dist/index.js`;

export interface FreshBundle {
  /** `<folder>/dist/index.js`. */
  path: string;
  remove(): Promise<void>;
}

/**
 * Bundle action/main.ts now (or, with `app`, the serverless app action/app/main.ts that dispatch-app.yml and the
 * monitor run); throws with esbuild's message when the sources do not build.
 */
export async function buildActionBundle(options: { app?: boolean } = {}): Promise<FreshBundle> {
  const folder = await mkdtemp(join(tmpdir(), options.app ? "dispatch-app-action-" : "dispatch-action-"));
  const path = join(folder, "dist", "index.js");
  try {
    await mkdir(join(folder, "dist"));
    const args = [join(ROOT, "scripts/build-action.mjs"), path, ...(options.app ? ["--app"] : [])];
    const result = await execa(process.execPath, args, { cwd: ROOT, reject: false, all: true });
    if (result.exitCode !== 0) throw new Error(`the Action does not build from the sources (node ${args.slice(0, 1).join(" ")}):\n${result.all}`);
    await copyFile(join(ROOT, options.app ? "action/app/action.yml" : "action/action.yml"), join(folder, "action.yml"));
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return { path, remove: () => rm(folder, { recursive: true, force: true }) };
}

/**
 * The Action bundle to run: `actionPath` when given (a test's own fake Action), else the one the e2e project's global
 * setup (or the sandbox) built from the sources now — never the committed action/dist, which may be stale. Throws
 * saying how to build one.
 */
export function actionBundle(actionPath?: string): string {
  if (actionPath !== undefined) return actionPath;
  const path = process.env[BUNDLE_VARIABLE];
  if (!path) throw new Error(`no Action bundle to run: ${HOW_TO_BUILD}`);
  if (!existsSync(path)) throw new Error(`the Action bundle ${path} does not exist: ${HOW_TO_BUILD}`);
  return path;
}
