/** The bundled Action run in its own process with a runner's environment, as a runner starts it. */
import { chmod, chown, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { ROOT, type Rig } from "./helpers.js";

const BUNDLE = join(ROOT, "action/dist/index.js");

export interface ActionRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  outputs: string;
}

/** The bundled Action in its own process, with a runner's environment; `env` and `inputs` on top. */
export async function runAction(rig: Rig, opts: { ws: string; inputs: Record<string, string>; env?: Record<string, string>; as?: { uid: number; gid: number } }): Promise<ActionRun> {
  const files = await mkdtemp(join(rig.root, "runner-"));
  await chmod(files, 0o755);
  const outputFile = join(files, "output");
  await writeFile(outputFile, "");
  if (opts.as) await chown(outputFile, opts.as.uid, opts.as.gid);
  const inputs: Record<string, string> = { ISSUE: "7", BASE: "main", "PUSH-INTERVAL-SECONDS": "0.2", "QUESTION-TIMEOUT-MINUTES": "1" };
  for (const [name, value] of Object.entries(opts.inputs)) inputs[name.toUpperCase()] = value;
  const result = await execa(process.execPath, [BUNDLE], {
    cwd: opts.ws,
    reject: false,
    extendEnv: false,
    ...(opts.as ? { uid: opts.as.uid, gid: opts.as.gid } : {}),
    env: {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? "/root",
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k}`, v])),
      GITHUB_WORKSPACE: opts.ws,
      GITHUB_OUTPUT: outputFile,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_RUN_ID: "99",
      RUNNER_TEMP: files,
      ...opts.env,
    },
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, outputs: await readFile(outputFile, "utf8") };
}

