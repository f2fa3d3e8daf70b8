// Ticks the items one by one, doing a bit of work for each. RELEASE: wait for that file after the first tick.
import { tick, work, output, sleep, waitForFile, pending } from "./lib.mjs";
const delay = Number(process.env.TICK_MS ?? "30");
let n = 0;
while (pending() > 0) {
  await sleep(delay);
  n++;
  work(`src/step-${n}.txt`, `step ${n}\n`);
  if (pending() === 1) output(`Did ${n} steps.\n`);
  tick(`step ${n}`);
  if (n === 1 && process.env.RELEASE) await waitForFile(process.env.RELEASE);
}
console.log(`ticked ${n} items`);
