// Changes a workflow file (which the job's token may not push) besides its real work, and commits it itself too.
import { execFileSync } from "node:child_process";
import { output, tick, work } from "./lib.mjs";
work(".github/workflows/evil.yml", "on: push\njobs: {}\n");
work("src/feature.js", "export const feature = 1;\n");
try {
  execFileSync("git", ["add", "-A"]);
  execFileSync("git", ["-c", "user.name=agent", "-c", "user.email=agent@example.com", "commit", "-qm", "add a workflow"]);
} catch {}
output("Added the feature.\n");
while (tick("done")) {}
