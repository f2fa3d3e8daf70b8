/**
 * The `dispatch` command line: `dispatch parse [--config FILE]`. I/O only; the work is in the core.
 */
import { readFileSync } from "node:fs";
import { runParse, type CliResult } from "./parse.js";

const USAGE = `usage: dispatch <command>

commands:
  parse [--config FILE]   read a comment body on standard input, print the parsed command as JSON
                          (--config: a .github/dispatch.yml to read the command with)
  help                    this text
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  let result: CliResult;
  switch (command) {
    case "parse":
      result = runParse({ args, stdin: await readStdin(), readFile: (path) => readFileSync(path, "utf8") });
      break;
    case "help":
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

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

process.exitCode = await main(process.argv.slice(2));
