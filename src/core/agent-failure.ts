/**
 * Why an agent CLI stopped without doing its work, in words a maintainer reads in the status comment: the model API
 * refused the key, ran out of quota, failed, or could not be reached. Read from the CLI's last output lines (its JSON
 * error events or plain error text); null when the lines say nothing recognisable.
 */
import { parseJsonLine } from "./agent-usage.js";
import type { AgentName } from "./task.js";

const API: Record<AgentName, string> = { claude: "the Anthropic API", gemini: "the Gemini API", codex: "the OpenAI API", custom: "the model API" };

const UNREACHABLE = /ECONNREFUSED|ConnectionRefused|Unable to connect|ENOTFOUND|EAI_AGAIN|fetch failed|error sending request|Connection (refused|error)|connect ETIMEDOUT|stream disconnected/i;

const SERVER_TROUBLE = /experiencing high demand|Internal server error|server had an error/i;

/** codex words a 429 without its status: "Quota exceeded. Check your plan and billing details." */
const QUOTA = /Quota exceeded|exceeded your current quota|insufficient_quota|RESOURCE_EXHAUSTED/i;

/** The reason, such as "the Anthropic API refused the key (401)", or null. Newest lines are read first. */
export function apiFailure(agent: AgentName, lines: readonly string[]): string | null {
  const api = API[agent];
  for (const line of [...lines].reverse()) {
    const event = parseJsonLine(line);
    const status = typeof event?.["api_error_status"] === "number" ? (event["api_error_status"] as number) : statusIn(line);
    if (status !== null) return describe(api, status);
    if (UNREACHABLE.test(line)) return `${api} could not be reached`;
    // codex words a 5xx as an apology, and a 429 as a quota notice, without the status.
    if (SERVER_TROUBLE.test(line)) return `${api} failed (server error)`;
    if (QUOTA.test(line)) return `${api} refused the request: quota or rate limit`;
  }
  return null;
}

function describe(api: string, status: number): string {
  if (status === 401 || status === 403) return `${api} refused the key (${status})`;
  if (status === 429) return `${api} refused the request: quota or rate limit (${status})`;
  if (status >= 500) return `${api} failed (${status})`;
  return `${api} rejected the request (${status})`;
}

/** An HTTP error status named in an error text: "status 401", "401 Unauthorized", "API Error: 500", `"code":401`. */
function statusIn(line: string): number | null {
  const patterns = [
    /\b(?:status(?: code)?|code|API Error)["'\\:= ]+(4\d\d|5\d\d)\b/i,
    /\b(4\d\d|5\d\d) (?:Unauthorized|Forbidden|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)\b/i,
    /\b(401|403|429|500|502|503|504)\b.{0,40}\b(?:error|unauthorized|forbidden|api key|quota)/i,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(line);
    if (match?.[1]) return Number(match[1]);
  }
  return null;
}
