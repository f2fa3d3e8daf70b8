// Bundle the Action: action/main.ts → action/dist/index.js (ESM, node20 syntax, deterministic).
// Usage: node scripts/build-action.mjs [outfile] [--app]   (a test builds into a temp file and compares with the committed one)
// --app bundles the serverless app instead: action/app/main.ts → action/app/dist/index.js (dispatch-app.yml, the monitor).
// Without an outfile both are built.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const app = args.includes("--app");
const given = args.find((arg) => !arg.startsWith("--"));
const targets = given
  ? [{ entry: app ? "action/app/main.ts" : "action/main.ts", outfile: resolve(given) }]
  : [
      { entry: "action/main.ts", outfile: resolve(root, "action/dist/index.js") },
      { entry: "action/app/main.ts", outfile: resolve(root, "action/app/dist/index.js") },
    ];

for (const { entry, outfile } of targets) await bundle(entry, outfile);

async function bundle(entry, outfile) {
await build({
  absWorkingDir: root,
  entryPoints: [entry],
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
}
