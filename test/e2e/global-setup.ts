/**
 * Global setup of the e2e project: the scenarios run the Action bundled from the sources now, never whatever
 * action/dist/index.js was last built. A source that does not build fails the run with esbuild's message.
 */
import type { TestProject } from "vitest/node";
import { buildActionBundle } from "./action-bundle.js";

declare module "vitest" {
  export interface ProvidedContext {
    actionBundle: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bundle = await buildActionBundle();
  project.provide("actionBundle", bundle.path);
  return () => bundle.remove();
}
