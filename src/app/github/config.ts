/**
 * `.github/dispatch.yml` from the default branch (Probot's `context.config`, which falls back to the owner's
 * `.github` repository), checked by the core. Never throws: an unreadable file is a config error.
 */
import type { Context } from "probot";
import { parseConfig, type ConfigResult } from "../../core/config.js";
import { reason } from "./client.js";

export const CONFIG_FILE = "dispatch.yml";

export async function loadConfig(context: Pick<Context, "config">): Promise<ConfigResult> {
  try {
    return parseConfig(await context.config(CONFIG_FILE));
  } catch (error) {
    return { ok: false, error: `the file could not be read as YAML (${reason(error)})` };
  }
}
