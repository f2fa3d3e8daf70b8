/**
 * Global setup of the worker and e2e projects: the Action bundled from the sources now, never whatever
 * action/dist/index.js was last built (the e2e scenarios run it as the Action; the worker tests as dispatch-ask).
 * A source that does not build fails the run with esbuild's message.
 */
import type { TestProject } from "vitest/node";
import { buildActionBundle } from "../e2e/action-bundle.js";

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
