/**
 * Watch the whole flow on your machine, without a GitHub App:
 *
 *   npm run sandbox -- "/dispatch use opus to review the auth module and use gemini to update the README"
 *   npm run sandbox -- --issue-body bug.md ["/dispatch fix this"]
 *
 * Starts the GitHub stand-in with a demo repository, the real app and the local runner with scripted instant
 * agents (review and audit tasks ask one question and change nothing; other tasks write a file), posts the
 * comment as `maintainer` on issue #1, prints the app's comments as GitHub shows them rendered each time what a person
 * sees changes, answers questions with a quote reply as a person would, and lists the pull requests at the end.
 * The Action runs from a bundle built from the sources now (never a stale action/dist).
 * `--issue-body FILE` puts that file's text in the body of issue #1; the scripted agents copy the `## The thread`
 * section of their prompt into output.md, which is printed at the end: what the agent was given from the thread.
 *
 *   npm run sandbox -- --real-agents ["/dispatch …"]
 *
 * runs the real claude, gemini and codex CLIs (from node_modules) instead, against the scripted model server
 * (test/model-server): each ticks its checklist with its own shell tool, asks one question, writes the answer.
 *
 *   npm run sandbox -- --mode actions "/dispatch …"
 *
 * runs it without a server (Actions mode): the comment starts dispatch-app.yml on the local runner, and the dispatch's
 * monitor job keeps the status comment; no push webhook is delivered.
 */
import { readFile } from "node:fs/promises";
import { parseComment } from "../../src/core/grammar.js";
import { startModelServer } from "../model-server/server.js";
import { buildActionBundle } from "./action-bundle.js";
import { startHarness, type AgentScript } from "./harness.js";
import { taskDir, OUTPUT_FILE } from "../../src/core/ipc.js";
import { parseStatus } from "../../src/core/status-read.js";
import { realAgentOptions } from "./real-agents.js";
import { renderForTerminal } from "./terminal-markdown.js";

const DEFAULT_COMMENT = `/dispatch three things:
1. use opus to do a security review of the auth module
2. use sonnet to write unit tests for the API endpoints
3. use gemini to update the README with recent changes`;

const AGENTS: Record<string, AgentScript> = {
  "/review|audit/": {
    items: ["Scan for hardcoded secrets", "Review authentication logic", "Check dependency vulnerabilities", "Write findings report to output.md"],
    ask: "Should INFO-level log lines count as findings?",
    output: "Reviewed {task}: no hardcoded secrets; the login check compares plain-text passwords (see src/auth.js).",
    echoThread: true,
  },
  "*": {
    items: ["Read the code the task is about", "Make the change", "Write a summary to output.md"],
    edits: { "docs/{task}.md": "# {task}\n\nDone by a scripted agent in the dispatch sandbox.\n" },
    output: "Wrote docs/{task}.md.",
    echoThread: true,
  },
};

const rule = (title: string) => console.log(`\n── ${title} ${"─".repeat(Math.max(0, 70 - title.length))}`);

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const real = args.includes("--real-agents");
  if (real) args.splice(args.indexOf("--real-agents"), 1);
  const flag = args.indexOf("--mode");
  const mode = flag >= 0 ? args.splice(flag, 2)[1] : "app";
  if (mode !== "app" && mode !== "actions") throw new Error(`--mode is app (the hosted app, default) or actions (no server), not ${String(mode)}`);
  const at = args.indexOf("--issue-body");
  const bodyFile = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !bodyFile) throw new Error("--issue-body needs a file");
  if (at >= 0) args.splice(at, 2);
  const issueBody = bodyFile ? await readFile(bodyFile, "utf8") : undefined;
  const comment = args.join(" ").trim() || (issueBody !== undefined ? "/dispatch use sonnet to fix this" : DEFAULT_COMMENT);
  const verbose = process.env["SANDBOX_VERBOSE"] === "1";
  const ansi = process.stdout.isTTY === true && !process.env["NO_COLOR"];
  const show = (markdown: string) => console.log(renderForTerminal(markdown, { ansi }));
  const bundle = await buildActionBundle();
  const models = real ? await startModelServer() : null;
  const options = models ? { ...realAgentOptions(models.url), verbose } : { agents: AGENTS, verbose };
  const runner = "runner" in options ? options.runner : undefined;
  const harness = await startHarness({ ...options, mode, runner: { ...runner, actionPath: bundle.path } }).catch(async (error: unknown) => {
    await bundle.remove();
    await models?.close();
    throw error;
  });
  const issue = 1;
  const stopping = async () => {
    await harness.stop();
    await bundle.remove();
    await models?.close();
  };
  process.once("SIGINT", () => void stopping().then(() => process.exit(130)));
  try {
    console.log(`GitHub stand-in: ${harness.hub.url}   repository: acme/shop (${harness.repo.dir})   mode: ${mode === "actions" ? "no server (Actions)" : "hosted app"}`);
    harness.hub.openIssue({
      title: issueBody !== undefined ? "Bug report" : "Pre-launch sweep",
      user: issueBody !== undefined ? "outsider" : "maintainer",
      ...(issueBody !== undefined ? { body: issueBody } : {}),
    });
    if (issueBody !== undefined) {
      rule("outsider opened #1 with this body");
      console.log(issueBody);
    }
    rule("maintainer comments on #1");
    show(comment);

    /** What was last printed per comment, as rendered: an edit that changes nothing a person sees prints nothing. */
    const printed = new Map<number, string>();
    const answered = new Set<number>();
    const watch = setInterval(() => {
      for (const c of harness.hub.comments(issue)) {
        if (c.user === "maintainer") continue;
        const rendered = renderForTerminal(c.body, { ansi });
        if (printed.get(c.id) === rendered) continue;
        const edited = printed.has(c.id);
        printed.set(c.id, rendered);
        const kind = c.body.startsWith("<!-- dispatch:status") ? "status comment" : c.body.startsWith("<!-- dispatch:question") ? "question" : "reply";
        rule(`${c.user}: ${kind}${edited ? " (edited)" : ""}`);
        console.log(rendered);
        if (kind === "question" && !answered.has(c.id)) {
          answered.add(c.id);
          void harness.quoteReply({ to: c, answer: "No, only WARN and above." }).then(() => {
            rule("maintainer quote-replies");
            console.log("No, only WARN and above.");
          });
        }
      }
    }, 100);

    const started = Date.now();
    await harness.comment({ body: comment, issue });
    await harness.waitForQuiet({ settleMs: 3000, timeoutMs: 180_000 });
    clearInterval(watch);
    if (printed.size === 0 && harness.runner.runs.length === 0) {
      rule("no reply");
      console.log(
        parseComment(comment).kind === "none"
          ? "The app ignored the comment: it has no /dispatch command (try: /dispatch use opus to review the auth module)."
          : "The app did not answer the comment (run with SANDBOX_VERBOSE=1 to see its log).",
      );
    }

    rule(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const pulls = harness.pulls();
    if (pulls.length === 0) console.log("No pull requests were opened.");
    for (const pull of pulls) {
      console.log(`PR #${pull.number} ${pull.title}  (${pull.pull!.head} → ${pull.pull!.base})  ${harness.hub.url}/${pull.repo}/pull/${pull.number}`);
    }
    const branches = await harness.hub.branches();
    console.log(`Branches: ${branches.join(", ")}`);
    if (issueBody !== undefined) {
      const tasks = harness.hub.comments(issue).flatMap((c) => (c.user === harness.hub.appBot ? (parseStatus(c.body)?.tasks ?? []) : []));
      for (const { id: task, branch } of tasks) {
        const output = await harness.hub.readFile(`${branch}~1`, `${taskDir(task)}/${OUTPUT_FILE}`);
        rule(`${task}: output.md (what the agent was given from the thread)`);
        console.log(output ?? "(no output.md)");
      }
    }
    const unknown = harness.hub.unknownRequests();
    if (unknown.length > 0) console.log(`Calls the stand-in does not implement: ${unknown.map((r) => `${r.method} ${r.path}`).join(", ")}`);
    for (const job of harness.runner.jobs()) {
      if (job.conclusion !== "success") console.log(`\nJob ${job.name} ended ${job.conclusion}; its log:\n${job.log.split("\n").slice(-30).join("\n")}`);
    }
    return 0;
  } finally {
    await stopping();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
