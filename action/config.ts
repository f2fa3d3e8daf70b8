/**
 * `.github/dispatch.yml` as the job's checkout holds it: the workflow runs on the default branch, the branch the app
 * read the configuration from. Settings the worker needs from it (the thread's `permission` and `thread_budget`).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { DEFAULT_CONFIG, parseConfig, type DispatchConfig } from "../src/core/config.js";

/** The configuration, or the defaults (with a log line saying why) when it is missing or invalid. */
export async function workspaceConfig(workspace: string, log: (line: string) => void): Promise<DispatchConfig> {
  let text: string;
  try {
    text = await readFile(join(workspace, ".github", "dispatch.yml"), "utf8");
  } catch {
    return DEFAULT_CONFIG;
  }
  try {
    const parsed = parseConfig(parse(text));
    if (parsed.ok) return parsed.config;
    log(`.github/dispatch.yml is invalid (${parsed.error}): the defaults are used`);
  } catch (error) {
    log(`.github/dispatch.yml is not YAML (${error instanceof Error ? error.message : String(error)}): the defaults are used`);
  }
  return DEFAULT_CONFIG;
}
