/**
 * The production install the Dockerfile makes: `npm ci --omit=dev --ignore-scripts` beside a compiled lib/, started
 * with `probot run` as an unprivileged user. It must install with no engine warning on this Node, start, and answer a
 * signed webhook: proof that nothing at run time needs a devDependency.
 */
import { generateKeyPairSync, createHmac } from "node:crypto";
import { chmod, copyFile, cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NOBODY = 65534;

describe("the production install (Dockerfile's runtime stage)", () => {
  let dir: string;
  let install: { stdout: string; stderr: string; exitCode?: number | undefined };
  let server: ResultPromise | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dispatch-prod-"));
    await chmod(dir, 0o755);
    for (const file of ["package.json", "package-lock.json", "app.yml"]) await copyFile(join(ROOT, file), join(dir, file));
    // lib/ as the unit project's global setup compiled it from the sources just now (test/setup/built-lib.ts).
    await cp(join(ROOT, "lib"), join(dir, "lib"), { recursive: true });
    install = await execa("npm", ["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: dir,
      reject: false,
      all: true,
    });
  }, 240_000);

  afterAll(async () => {
    server?.kill("SIGKILL");
    await server?.catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("installs from the lock file without devDependencies and without an engine warning", async () => {
    expect(install.exitCode, install.stderr).toBe(0);
    expect(`${install.stdout}\n${install.stderr}`).not.toMatch(/EBADENGINE/);
    const typescript = await execa("node", ["-e", "import('typescript').then(() => process.exit(0), () => process.exit(3))"], { cwd: dir, reject: false });
    expect(typescript.exitCode, "typescript (a devDependency) must not be installed").toBe(3);
  });

  it("starts with `probot run` as an unprivileged user and answers a signed webhook", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const secret = "production-test-secret";
    const asRoot = process.getuid?.() === 0;
    server = execa(join(dir, "node_modules/.bin/probot"), ["run", "./lib/app/index.js"], {
      cwd: dir,
      env: {
        APP_ID: "1",
        PRIVATE_KEY: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
        WEBHOOK_SECRET: secret,
        PORT: "0",
        HOST: "127.0.0.1",
        DISPATCH_APP_LOGIN: "dispatch",
        LOG_LEVEL: "info",
        NODE_ENV: "production",
      },
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      reject: false,
      all: true,
    });
    const port = await listeningPort(server);
    const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
    const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    const response = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "ping",
        "x-github-delivery": "00000000-0000-0000-0000-000000000001",
        "x-hub-signature-256": signature,
      },
      body,
    });
    expect(response.status).toBe(200);
    const forged = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "ping",
        "x-github-delivery": "00000000-0000-0000-0000-000000000002",
        "x-hub-signature-256": "sha256=" + "0".repeat(64),
      },
      body,
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
  });
});

/** Reads Probot's log until it says where it listens; fails with the log when the process ends first. */
function listeningPort(child: ResultPromise): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = "";
    child.all?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      const match = /Listening on http:\/\/[^:\s]+:(\d+)/.exec(log);
      if (match) resolve(Number(match[1]));
    });
    void child.then((result) => reject(new Error(`probot exited (${String(result.exitCode)}) before listening:\n${log}`)));
  });
}
