// Ticks the first item, asks a question, and uses the answer. Resumed with an answer in its prompt, it does not ask
// again. When dispatch-ask times out (exit 3) it writes context.md and stops, as the prompt tells it to.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tick, output, ask, dir, prompt, work } from "./lib.mjs";
const given = /Answer: (.*)/.exec(prompt)?.[1];
let answer = given;
if (!given) {
  tick("scanned");
  const r = ask("Should I flag INFO level logs?");
  if (r.code !== 0) {
    writeFileSync(join(dir, "context.md"), `Scanned; waiting to know about INFO logs (dispatch-ask exit ${r.code}).\n`);
    console.error(r.error.trim());
    process.exit(0);
  }
  answer = r.answer;
}
work("src/logging.md", `INFO logs: ${answer}\n`);
output(`The maintainer said: ${answer}\nResumed: ${given ? "yes" : "no"}\n`);
while (tick()) {}
