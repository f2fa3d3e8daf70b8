// Ticks the first item, prints 30 lines and exits 1.
import { tick, work } from "./lib.mjs";
tick();
work("src/partial.txt", "half done\n");
for (let i = 1; i <= 30; i++) console.log(`log line ${i}`);
console.error("fatal: the build broke");
process.exit(1);
