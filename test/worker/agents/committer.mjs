// Commits its secret by itself (with the secret in the message too), against the prompt's advice.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { output, tick } from "./lib.mjs";
const key = process.env.ANTHROPIC_API_KEY ?? "";
writeFileSync("config.js", `export const key = "${key}";\n`);
execFileSync("git", ["add", "config.js"]);
execFileSync("git", ["-c", "user.name=agent", "-c", "user.email=agent@example.com", "commit", "-q", "-m", `add key ${key}`]);
output("Committed the config.\n");
while (tick("done")) {}
