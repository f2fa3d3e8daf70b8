/**
 * Global setup of the worker and e2e projects: the Action bundled from the sources now, never whatever
 * action/dist/index.js was last built (the e2e scenarios run it as the Action; the worker tests as dispatch-ask).
 * The e2e project also gets the serverless app's bundle (the Actions-mode scenarios) and the App's key pair, made
 * once for all its files instead of once per scenario or per worker. A source that does not build fails the run with
 * esbuild's message.
 */
import { generateKeyPairSync } from "node:crypto";
import type { TestProject } from "vitest/node";
import { buildActionBundle } from "../e2e/action-bundle.js";

declare module "vitest" {
  export interface ProvidedContext {
    actionBundle: string;
    appBundle: string | null;
    appKey: { privateKey: string; publicKey: string } | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const e2e = project.name === "e2e";
  const [bundle, app] = await Promise.all([buildActionBundle(), e2e ? buildActionBundle({ app: true }) : null]);
  project.provide("actionBundle", bundle.path);
  project.provide("appBundle", app?.path ?? null);
  project.provide(
    "appKey",
    e2e
      ? generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } })
      : null,
  );
  return async () => {
    await bundle.remove();
    await app?.remove();
  };
}
