/**
 * The shape of the source: no import circle anywhere in `src/` (dpdm, type-only imports left out as the brief's
 * command does), and a pure core (`src/core/` imports no shell and nothing that reaches the network, files or
 * processes).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const DPDM = join(ROOT, "node_modules/.bin/dpdm");

describe("import circles", () => {
  it("dpdm finds none in src/", async () => {
    const result = await execa(DPDM, ["--no-warning", "--no-tree", "-T", "--exit-code", "circular:1", "src/**/*.ts"], {
      cwd: ROOT,
      reject: false,
      env: { NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    expect(result.exitCode, `dpdm found an import circle (or failed):\n${result.stdout}\n${result.stderr}`).toBe(0);
    // It did analyse the sources (a wrong glob would find no circle in nothing).
    expect(result.stdout + result.stderr).toMatch(/\[(\d{2,})\/\1\] Analyze done/);
  }, 120_000);
});

/** Every file under `dir` ending in `.ts`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The module specifiers a file imports or re-exports (static and dynamic). */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gms, /^\s*import\s*["']([^"']+)["']/gm, /\bimport\(\s*["']([^"']+)["']\s*\)/g, /\brequire\(\s*["']([^"']+)["']\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers;
}

const SHELLS = ["src/app", "src/worker", "src/cli", "action"].map((dir) => join(ROOT, dir));
const IMPURE = /^(?:node:)?(?:fs|fs\/promises|net|tls|dgram|http|https|http2|child_process|worker_threads|cluster)$/;

/** Why one import breaks the pure core rule, or null when it does not. */
function impurity(file: string, specifier: string): string | null {
  if (IMPURE.test(specifier)) return `imports ${specifier}`;
  if (!specifier.startsWith(".")) return null;
  const target = resolve(file, "..", specifier);
  const shell = SHELLS.find((dir) => target === dir || target.startsWith(`${dir}/`));
  return shell ? `imports ${relative(ROOT, target)} from the shell ${relative(ROOT, shell)}` : null;
}

describe("the pure core", () => {
  it("tells a shell or I/O import from a pure one", () => {
    const file = join(ROOT, "src/core/example.ts");
    const found = (source: string) => importsOf(source).flatMap((s) => impurity(file, s) ?? []);
    expect(found('import { x } from "../app/status/thread.js";')).toEqual(["imports src/app/status/thread.js from the shell src/app"]);
    expect(found('import {\n  a,\n  b,\n} from "../worker/git.js";')).toEqual(["imports src/worker/git.js from the shell src/worker"]);
    expect(found('import { readFileSync } from "node:fs";\nimport { spawn } from "child_process";')).toEqual(["imports node:fs", "imports child_process"]);
    expect(found('export { main } from "../../action/main.js";')).toEqual(["imports action/main.js from the shell action"]);
    expect(found('const m = await import("node:net");')).toEqual(["imports node:net"]);
    expect(found('import { z } from "zod";\nimport type { Plan } from "./plan.js";\nimport { join } from "node:path";')).toEqual([]);
  });

  it("src/core imports nothing from the shells, nor the network, files or processes", () => {
    const files = sources(join(ROOT, "src/core"));
    expect(files.length).toBeGreaterThan(10);
    const broken = files.flatMap((file) =>
      importsOf(readFileSync(file, "utf8")).flatMap((specifier) => {
        const why = impurity(file, specifier);
        return why ? [`${relative(ROOT, file)} ${why}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });
});

describe("the app's layers", () => {
  /** What each folder of src/app may import from src/app (core is open to all): imports point one way. */
  const MAY_IMPORT: Record<string, readonly string[]> = {
    events: ["events", "commands", "status", "github"],
    commands: ["commands", "status", "github"],
    status: ["status", "github"],
    github: ["github"],
    queue: ["queue", "status"],
  };
  const APP = join(ROOT, "src/app");

  it("events → commands → status → github, never back", () => {
    const folders = readdirSync(APP, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).toEqual(Object.keys(MAY_IMPORT).sort());
    const broken = folders.flatMap((folder) =>
      sources(join(APP, folder)).flatMap((file) =>
        importsOf(readFileSync(file, "utf8")).flatMap((specifier) => {
          if (!specifier.startsWith(".")) return [];
          const target = relative(APP, resolve(file, "..", specifier));
          if (target.startsWith("..")) return [];
          const layer = target.includes("/") ? target.split("/")[0]! : target;
          return MAY_IMPORT[folder]!.includes(layer) ? [] : [`${relative(ROOT, file)} imports src/app/${target}`];
        }),
      ),
    );
    expect(broken).toEqual([]);
  });
});

