/**
 * The `dispatch` command line: `dispatch parse …`, `dispatch help …`, `dispatch --help`. I/O only; the work is in
 * the core.
 */
import { readFileSync } from "node:fs";
import { runHelp, runParse, type CliResult } from "./parse.js";

const USAGE = `usage: dispatch <command>

commands:
  parse [--config FILE] ['<comment>']   parse a comment (the argument, else standard input) as the app does and
                                        print the command as JSON; exit 1 when it is no /dispatch command or one
                                        the app refuses (the reason on standard error)
  parse --explain, help [--config FILE] print the app's reply to /dispatch help: the grammar, models and limits
                                        (--config: a .github/dispatch.yml to read the comment or the help with)
  --help                                this text

examples:
  dispatch parse '/dispatch use opus to review the auth module'
  dispatch parse --config .github/dispatch.yml < comment.md
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  const readFile = (path: string) => readFileSync(path, "utf8");
  let result: CliResult;
  switch (command) {
    case "parse":
      result = await runParse({ args, readStdin, readFile });
      break;
    case "help":
      result = runHelp({ args, readFile });
      break;
    case "--help":
    case "-h":
      result = { stdout: USAGE, stderr: "", code: 0 };
      break;
    default:
      result = { stdout: "", stderr: `${command === undefined ? "no command given" : `unknown command: ${command}`}\n${USAGE}`, code: 2 };
  }
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  return result.code;
}

async function readStdin(): Promise<string | null> {
  if (process.stdin.isTTY) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

process.exitCode = await main(process.argv.slice(2));
