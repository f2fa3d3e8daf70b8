// Asks more questions than a run may: ten written as dispatch-ask would, then an eleventh, by dispatch-ask or, with
// BY_HAND=1, as a file. Then hangs: the worker must end the task.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tick, ask, dir } from "./lib.mjs";
tick();
mkdirSync(join(dir, "ipc"), { recursive: true });
for (let seq = 1; seq <= 10; seq++) {
  const name = String(seq).padStart(3, "0");
  writeFileSync(join(dir, "ipc", `${name}.question`), `Question number ${seq}?\n`);
  writeFileSync(join(dir, "ipc", `${name}.answer`), `answer ${seq}\n`);
}
if (process.env.BY_HAND) {
  writeFileSync(join(dir, "ipc", "011.question"), "One more, by hand?\n");
} else {
  const r = ask("One more?");
  console.log(`dispatch-ask exit ${r.code}: ${r.error.trim()}`);
}
setInterval(() => {}, 1000);
