// Bundle the Action: action/main.ts → action/dist/index.js (ESM, node20 syntax, deterministic).
// Usage: node scripts/build-action.mjs [outfile]   (a test builds into a temp file and compares with the committed one)
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = resolve(process.argv[2] ?? resolve(root, "action/dist/index.js"));

await build({
  absWorkingDir: root,
  entryPoints: ["action/main.ts"],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: false,
  minify: false,
  legalComments: "none",
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __dispatchCreateRequire } from 'node:module'; const require = __dispatchCreateRequire(import.meta.url);",
  },
});
