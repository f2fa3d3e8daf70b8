/**
 * The app's GraphQL reads: a thread's comments, and every unfinished task's folder in ONE query, whatever their
 * number (one `object(expression: "<branch>:<path>")` alias per file).
 */
import { taskDir, PLAN_FILE, OUTPUT_FILE, IPC_DIR } from "../../core/ipc.js";
import { chunkGroups } from "../../core/query-chunks.js";
import type { GitHub, Thread } from "./client.js";

export interface ThreadComment {
  id: number;
  body: string;
  /** Login of the author (GraphQL gives bots without `[bot]`), null for a deleted account. */
  author: string | null;
}

interface CommentsPage {
  repository: {
    /** `issue(number:)` is NOT_FOUND for a pull request's number: a thread is either. */
    issueOrPullRequest: {
      comments?: {
        nodes: Array<{ databaseId: number | null; body: string; author: { login: string } | null } | null>;
        pageInfo: { hasPreviousPage: boolean; startCursor: string | null };
      };
    } | null;
  } | null;
}

const COMMENTS_FIELDS = `comments(last: 100, before: $before) {
        nodes { databaseId body author { login } }
        pageInfo { hasPreviousPage startCursor }
      }`;

const COMMENTS_QUERY = `query($owner: String!, $name: String!, $issue: Int!, $before: String) {
  repository(owner: $owner, name: $name) {
    issueOrPullRequest(number: $issue) {
      ... on Issue { ${COMMENTS_FIELDS} }
      ... on PullRequest { ${COMMENTS_FIELDS} }
    }
  }
}`;

export interface ReadCommentsOptions {
  /** Stop paging back once this holds for the comments read so far (default: after the first page). */
  enough?: (comments: readonly ThreadComment[]) => boolean;
  /** At most this many pages of 100. */
  maxPages?: number;
}

/** The thread's comments, oldest first: the last 100, and older pages while `enough` says more are needed. */
export async function readComments(gh: GitHub, issue: number, options: ReadCommentsOptions = {}): Promise<ThreadComment[]> {
  const { enough = () => true, maxPages = 10 } = options;
  let comments: ThreadComment[] = [];
  let before: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const data: CommentsPage = await gh.octokit.graphql<CommentsPage>(COMMENTS_QUERY, {
      owner: gh.repo.owner,
      name: gh.repo.repo,
      issue,
      before,
    });
    const connection = data.repository?.issueOrPullRequest?.comments;
    if (!connection) return comments;
    const read = connection.nodes.flatMap((node) =>
      node && node.databaseId !== null ? [{ id: node.databaseId, body: node.body, author: node.author?.login ?? null }] : [],
    );
    comments = [...read, ...comments];
    if (enough(comments) || !connection.pageInfo.hasPreviousPage) return comments;
    before = connection.pageInfo.startCursor;
  }
  return comments;
}

/** What a task branch holds for one task: its plan, output and IPC files. */
export interface TaskSnapshot {
  /** The branch exists. */
  exists: boolean;
  plan: string | null;
  output: string | null;
  /** Files in `ipc/` with their text (null for a sub-folder or a binary file). */
  ipc: Array<{ name: string; text: string | null }>;
  /** The start of the branch head's commit id (HEAD_LENGTH hex); NO_BRANCH when the branch does not exist. */
  head: string;
}

/** How much of a commit id a task remembers of its branch head. */
export const HEAD_LENGTH = 12;
/** The head remembered for a branch that does not exist yet (shorter than any real one, so never equal to one). */
export const NO_BRANCH = "0000";
const headOf = (commit: { oid?: string } | null | undefined): string => commit?.oid?.slice(0, HEAD_LENGTH) ?? NO_BRANCH;

interface BlobNode {
  text?: string | null;
}
interface TreeNode {
  entries?: Array<{ name: string; type: string; object: BlobNode | null }>;
}
type ObjectsPage = { repository: Record<string, (BlobNode & TreeNode & { oid?: string }) | null> | null };

export interface TaskRef {
  id: string;
  branch: string;
  /** The head last read (TaskSnapshot.head), when the caller remembers it. */
  head?: string | undefined;
}

/** The query around some fields (each line indented as the query is sent). */
export function objectsQuery(fields: readonly string[]): string {
  return `query($owner: String!, $name: String!) {\n  repository(owner: $owner, name: $name) {\n    ${fields.join("\n    ")}\n  }\n}`;
}

/** One task's lookups (7): its head commit, and plan, output and ipc/ at the head and at `<branch>~1`. */
function taskFields(task: TaskRef, i: number): string[] {
  const dir = taskDir(task.id);
  const fields = [`c${i}: object(expression: ${JSON.stringify(task.branch)}) { ... on Commit { oid } }`];
  for (const [suffix, rev] of [["h", task.branch], ["p", `${task.branch}~1`]] as const) {
    fields.push(`${suffix}plan${i}: object(expression: ${JSON.stringify(`${rev}:${dir}/${PLAN_FILE}`)}) { ... on Blob { text } }`);
    fields.push(`${suffix}out${i}: object(expression: ${JSON.stringify(`${rev}:${dir}/${OUTPUT_FILE}`)}) { ... on Blob { text } }`);
    fields.push(
      `${suffix}ipc${i}: object(expression: ${JSON.stringify(`${rev}:${dir}/${IPC_DIR}`)}) { ... on Tree { entries { name type object { ... on Blob { text } } } } }`,
    );
  }
  return fields;
}

/** The queries that read these tasks: chunks of at most 64 KB and 300 lookups each (QUERY_LIMITS). */
export function taskQueries(tasks: readonly TaskRef[]): string[] {
  const groups = tasks.map((task, i) => ({ fields: taskFields(task, i) }));
  const overhead = objectsQuery([]).length;
  return chunkGroups(groups, { overhead }).map((chunk) => objectsQuery(chunk.flatMap((group) => group.fields)));
}

/** The queries that read only these tasks' heads (one lookup each), chunked as taskQueries. */
export function headQueries(tasks: readonly TaskRef[]): string[] {
  const groups = tasks.map((task, i) => ({ fields: [`c${i}: object(expression: ${JSON.stringify(task.branch)}) { ... on Commit { oid } }`] }));
  return chunkGroups(groups, { overhead: objectsQuery([]).length }).map((chunk) => objectsQuery(chunk.flatMap((group) => group.fields)));
}

/**
 * Read every task's folder, in as few queries as GitHub's limits allow (one for up to 42 tasks). The worker's last
 * commit removes `.dispatch/`, so the same files are also read at `<branch>~1`; the head wins when it has a plan.
 * When that takes more than one query and the caller remembers heads, the heads are read first (one lookup a task)
 * and only the tasks whose head moved are read; the others get no snapshot.
 */
export async function readTasks(gh: GitHub, tasks: readonly TaskRef[]): Promise<Map<string, TaskSnapshot>> {
  if (tasks.length === 0) return new Map();
  if (taskQueries(tasks).length <= 1 || !tasks.some((task) => task.head !== undefined)) return readFolders(gh, tasks);
  const heads: NonNullable<ObjectsPage["repository"]> = {};
  for (const query of headQueries(tasks)) {
    const data = await gh.octokit.graphql<ObjectsPage>(query, { owner: gh.repo.owner, name: gh.repo.repo });
    Object.assign(heads, data.repository ?? {});
  }
  const moved = tasks.filter((task, i) => task.head === undefined || headOf(heads[`c${i}`]) !== task.head);
  gh.log.debug(`read ${moved.length} of ${tasks.length} tasks: the others' heads have not moved`);
  return readFolders(gh, moved);
}

async function readFolders(gh: GitHub, tasks: readonly TaskRef[]): Promise<Map<string, TaskSnapshot>> {
  const result = new Map<string, TaskSnapshot>();
  if (tasks.length === 0) return result;
  const repository: NonNullable<ObjectsPage["repository"]> = {};
  for (const query of taskQueries(tasks)) {
    const data = await gh.octokit.graphql<ObjectsPage>(query, { owner: gh.repo.owner, name: gh.repo.repo });
    Object.assign(repository, data.repository ?? {});
  }
  tasks.forEach((task, i) => {
    const at = (suffix: "h" | "p") => ({
      plan: repository[`${suffix}plan${i}`]?.text ?? null,
      output: repository[`${suffix}out${i}`]?.text ?? null,
      ipc: (repository[`${suffix}ipc${i}`]?.entries ?? []).map((entry) => ({
        name: entry.name,
        text: entry.type === "blob" ? (entry.object?.text ?? null) : null,
      })),
    });
    const head = at("h");
    const chosen = head.plan !== null ? head : at("p");
    const commit = repository[`c${i}`];
    result.set(task.id, { exists: Boolean(commit), head: headOf(commit), ...(chosen.plan !== null ? chosen : head) });
  });
  return result;
}
