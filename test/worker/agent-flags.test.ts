/**
 * The command lines agentCommand builds, run for real (as the worker starts them: its settings, its HOME with the
 * CLI's config) against the scripted model server, with a named model and a prompt that starts with `-`: each CLI
 * must take the prompt as the prompt, never as an option, and run as root where the tests run as root.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { agentCommand } from "../../src/core/agent.js";
import { agentSettings } from "../../src/core/agent-env.js";
import { prepareAgentHome } from "../../src/worker/agent-home.js";
import { startModelServer } from "../model-server/server.js";
import { ROOT } from "./helpers.js";
import { MODELS, serverEnv } from "./real-agent-rig.js";

const PROMPT = "--version is not what I want: reply with a short text";

describe("agent command lines, run for real", () => {
  it.each(["claude", "gemini", "codex"] as const)("%s takes a prompt starting with '-' and a named model", { timeout: 120_000 }, async (agent) => {
    const server = await startModelServer({ mode: "silent" });
    const dir = await mkdtemp(join(tmpdir(), "dispatch-flags-"));
    try {
      const command = agentCommand({ agent, model: MODELS[agent], prompt: PROMPT });
      const env = { ...serverEnv(agent, server.url), PATH: process.env["PATH"] ?? "" };
      const home = await prepareAgentHome({ home: join(dir, "home"), agent, env, shellEnv: [] });
      await execa("git", ["init", "-q", join(dir, "wt")]);
      const result = await execa(join(ROOT, "node_modules/.bin", command.file), command.args, {
        cwd: join(dir, "wt"),
        env: { ...env, ...agentSettings(agent, env), ...home, TERM: "dumb", NO_COLOR: "1" },
        extendEnv: false,
        stdin: "ignore",
        reject: false,
        timeout: 100_000,
      });
      expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
      const requests = server.modelRequests();
      expect(requests.length).toBeGreaterThan(0);
      // The prompt reached the model as the user's text; the model asked for is the one named.
      expect(requests.some((r) => r.body.includes(PROMPT))).toBe(true);
      const named = MODELS[agent] === "opus" ? "claude-opus" : MODELS[agent];
      expect(requests.some((r) => r.body.includes(named) || r.path.includes(named))).toBe(true);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
