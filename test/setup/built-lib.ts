/**
 * Global setup of the unit project: lib/ compiled from the sources now (`tsc -p tsconfig.build.json`, the build
 * `npm ci` runs through `prepare`), once for the files that run it: the CLI tests run bin/dispatch.js, which runs lib/,
 * and the production-install test copies it beside its `npm ci --omit=dev`. No test runs a stale lib/. Type errors
 * elsewhere still emit JavaScript (the type check proper is `npm run typecheck`); a build that writes nothing fails
 * the run with tsc's output.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export default async function setup(): Promise<void> {
  const started = Date.now() - 1000;
  const build = await execa(join(ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json"], { cwd: ROOT, reject: false, all: true });
  const main = join(ROOT, "lib/cli/main.js");
  const written = (() => {
    try {
      return statSync(main).mtimeMs >= started;
    } catch {
      return false;
    }
  })();
  if (!written) throw new Error(`npm run build did not write lib/cli/main.js; fix the build and run it:\n${build.all}`);
}
