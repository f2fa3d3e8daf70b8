/**
 * `npm run smoke -- --repo OWNER/NAME [--api URL] [--timeout-minutes N]`: the smoke test against real GitHub, as the
 * person whose token is in GITHUB_TOKEN (or GH_TOKEN): a maintainer of the repository, not a bot (the app ignores
 * bots). Prints what it verified; exit 1 on a failure.
 */
import { parseArgs } from "node:util";
import { restPort } from "./rest.js";
import { runSmoke, SmokeFailure } from "./smoke.js";

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { repo: { type: "string" }, api: { type: "string" }, "timeout-minutes": { type: "string" } } });
  const [owner, repo] = (values.repo ?? "").split("/");
  const token = env["GITHUB_TOKEN"] ?? env["GH_TOKEN"];
  if (!owner || !repo) return fail("usage: npm run smoke -- --repo OWNER/NAME");
  if (!token) return fail("set GITHUB_TOKEN (a maintainer's token, e.g. `gh auth token`)");
  const minutes = Number(values["timeout-minutes"] ?? 15);
  try {
    const result = await runSmoke({
      port: restPort({ token, owner, repo, ...(values.api ? { baseUrl: values.api } : {}) }),
      stepTimeoutMs: minutes * 60_000,
      log: (line) => console.log(line),
    });
    console.log(`\nsmoke test passed on ${owner}/${repo}:\n${result.verified.map((v) => `  ✓ ${v}`).join("\n")}\n  ${result.cleaned.join(", ")}`);
    return 0;
  } catch (error) {
    const verified = error instanceof SmokeFailure ? error.verified : [];
    console.error(`\nsmoke test FAILED: ${error instanceof Error ? error.message : String(error)}`);
    if (verified.length > 0) console.error(`verified before it:\n${verified.map((v) => `  ✓ ${v}`).join("\n")}`);
    return 1;
  }
}

function fail(message: string): number {
  console.error(message);
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
