/**
 * Global setup of the unit project: lib/ compiled from the sources now (`tsc -p tsconfig.build.json`, the build
 * `npm ci` runs through `prepare`), once for the files that run it: the CLI tests run bin/dispatch.js, which runs lib/,
 * and the production-install test copies it beside its `npm ci --omit=dev`. No test runs a stale lib/. The build is
 * incremental (`lib/.tsbuildinfo`): right after `npm ci` (whose `prepare` built lib/) or an earlier run it rewrites
 * only what changed, in a second instead of a build's few. Type errors still emit JavaScript (the type check proper
 * is `npm run typecheck`); a build that leaves no lib/ fails the run with tsc's output.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const build = () => execa(join(ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json"], { cwd: ROOT, reject: false, all: true });

export default async function setup(): Promise<void> {
  const main = join(ROOT, "lib/cli/main.js");
  let built = await build();
  // Files taken out of lib/ by hand: the build info says they were written; a build without it writes them all.
  if (!existsSync(main)) {
    rmSync(join(ROOT, "lib/.tsbuildinfo"), { force: true });
    built = await build();
  }
  if (!existsSync(main)) throw new Error(`npm run build left no lib/cli/main.js; fix the build and run it:\n${built.all}`);
}
