/** The worker's public face, for the Action, a local mode and the end-to-end harness. */
export { runWorker, type WorkerOptions, type WorkerResult } from "./worker.js";
export { askMain, ask, ASK_ANSWERED, ASK_LIMIT, ASK_TIMED_OUT, ASK_USAGE, TIMEOUT_ENV, POLL_ENV, LAST_QUESTION_ENV, LIMIT_FILE_ENV, type AskOptions, type AskResult } from "./ask.js";
export { DEFAULT_AUTHOR, type GitIdentity } from "./git.js";
export { AgentUserError, resolveAgentUser, DEFAULT_AGENT_USER, SAME_USER, type AgentUser } from "./agent-user.js";
export type { RunOutcome } from "../core/outcome.js";
