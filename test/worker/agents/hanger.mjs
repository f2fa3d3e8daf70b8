// Ticks the first item, then hangs until killed. IGNORE_TERM=1: ignores SIGTERM (needs SIGKILL).
import { tick, work } from "./lib.mjs";
if (process.env.IGNORE_TERM) process.on("SIGTERM", () => console.log("ignoring SIGTERM"));
tick();
work("src/started.txt", "started\n");
console.log("working forever");
setInterval(() => {}, 1000);
