// Prints its secret into output.md and plan.md, and records which variables it was given.
import { appendFileSync, writeFileSync } from "node:fs";
import { plan, output, tick } from "./lib.mjs";
const key = process.env.ANTHROPIC_API_KEY ?? "";
console.log(`my key is ${key}`);
writeFileSync("env.json", JSON.stringify(Object.keys(process.env).sort()));
writeFileSync("values.txt", Object.values(process.env).join("\n"));
output(`The key is ${key}.\n`);
while (tick(`used ${key}`)) {}
appendFileSync(plan, `\nkey: ${key}\n`);
