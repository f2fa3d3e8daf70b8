/**
 * The order test files start in: longest first, by the durations `npm run test:repeat -- N --durations` last
 * measured (test/durations.json, the median of N full runs). On 2 cores with several files at a time the suite ends
 * when its last file does: the files that mostly wait (the real CLIs at their silence limits, a minute or more each)
 * must start first, beside the busy ones, not after them. A file the table does not know counts as a long one (it
 * starts early, and its next measurement places it).
 *
 * One exception: a project whose files share one module graph per worker (`isolate: false`: unit, e2e) keeps its
 * files together, at the place of its longest. A pool worker that changes project starts afresh, and such a project
 * would load Probot, GraphQL and GitHub's contracts again for every file that lands on a fresh worker.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const TABLE = new URL("../durations.json", import.meta.url);
/** The project whose files go last. */
const LAST = "unit";
/** Seconds assumed for a file the table does not list. */
const UNKNOWN_SECONDS = 30;

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const durations = readDurations();
    const root = this.ctx.config.root;
    const seconds = (file: TestSpecification) => durations[relative(root, file.moduleId)] ?? UNKNOWN_SECONDS;
    const longestFirst = [...files].sort((a, b) => seconds(b) - seconds(a));
    const order: TestSpecification[] = [];
    const placed = new Set<string>();
    for (const file of longestFirst) {
      const project = file.project;
      if (project.config.isolate) order.push(file);
      else if (!placed.has(project.name) && project.name !== LAST) {
        placed.add(project.name);
        order.push(...longestFirst.filter((other) => other.project.name === project.name));
      }
    }
    // The unit files last: short and busy, they fill the cores while the last waiting files end.
    order.push(...longestFirst.filter((file) => !file.project.config.isolate && file.project.name === LAST));
    return order;
  }
}

function readDurations(): Record<string, number> {
  try {
    const table = JSON.parse(readFileSync(TABLE, "utf8")) as { seconds?: Record<string, number> };
    return table.seconds ?? {};
  } catch {
    return {};
  }
}
