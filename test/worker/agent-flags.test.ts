/** Every flag agentCommand emits is one the real CLI knows: checked against its --help. */
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { agentCommand } from "../../src/core/agent.js";
import { ROOT } from "./helpers.js";

const bin = (name: string) => `${ROOT}/node_modules/.bin/${name}`;

async function help(file: string, args: string[]): Promise<string> {
  const result = await execa(file, args, { reject: false, env: { ...process.env, NO_COLOR: "1", CI: "1" }, timeout: 60_000 });
  return `${result.stdout}\n${result.stderr}`;
}

function flags(args: readonly string[]): string[] {
  return args.filter((a) => a.startsWith("-"));
}

describe("agent flags against the real CLIs", () => {
  it.each([
    ["claude", "claude", [] as string[]],
    ["gemini", "gemini-2.5-pro", [] as string[]],
    ["codex", "gpt-5", ["exec"]],
  ] as const)("%s", async (agent, model, sub) => {
    const command = agentCommand({ agent, model, prompt: "the prompt" });
    expect(command.file).toBe(agent);
    const text = await help(bin(agent), [...sub, "--help"]);
    expect(text.length).toBeGreaterThan(200);
    for (const flag of flags(command.args)) expect(text, `${agent} --help mentions ${flag}`).toMatch(new RegExp(`(^|[\\s,])${flag}([\\s,=<]|$)`, "m"));
    for (const word of sub) expect(command.args[0]).toBe(word);
    expect(command.args.at(-1)).toBe("the prompt");
  });
});
