// Replaces the starter checklist with its own concrete items, then ticks them.
import { readFileSync, writeFileSync } from "node:fs";
import { plan, tick, output, work } from "./lib.mjs";
const text = readFileSync(plan, "utf8");
const items = ["Find the login handler", "Fix the session expiry bug", "Write a summary to output.md"];
const start = text.indexOf("- [");
writeFileSync(plan, text.slice(0, start) + items.map((i) => `- [ ] ${i}`).join("\n") + "\n");
work("src/login.js", "export const expiry = 3600;\n");
output("Fixed the session expiry.\n");
while (tick()) {}
console.log(JSON.stringify({ type: "result", subtype: "success", total_cost_usd: 0.42, result: "done" }));
