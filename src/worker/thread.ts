/**
 * Read the thread a task was dispatched from, for its prompt's `## The thread` section (docs/protocol.md §6): one
 * GraphQL query for the issue or pull request (and older pages of comments only while the /dispatch comment is not
 * among them), one for the permission of the authors of the comments before it. Made with the job's read-only
 * scopes by the worker, never by the agent; what is shown is decided in `core/thread-context.ts`.
 */
import { permits, type Permission } from "../core/config.js";
import { authorsToCheck, threadSection, type ThreadPost, type ThreadSnapshot } from "../core/thread-context.js";

export interface ThreadReadOptions {
  /** GITHUB_GRAPHQL_URL. */
  graphqlUrl: string;
  token: string;
  /** `owner/name` (GITHUB_REPOSITORY). */
  repository: string;
  issue: number;
  /** Id of the /dispatch comment. */
  command: number;
  /** The configured `permission`: comments by authors with less are left out. */
  permission: Permission;
  budget: number;
  log?: (line: string) => void;
  /** At most this many pages of 100 comments back to the /dispatch comment; default 5. */
  maxPages?: number;
}

interface Node {
  databaseId: number | null;
  body: string;
  createdAt: string;
  lastEditedAt: string | null;
  author: { login: string } | null;
}
interface Page {
  repository: {
    issueOrPullRequest: {
      __typename: "Issue" | "PullRequest";
      title: string;
      body: string;
      lastEditedAt: string | null;
      comments: { nodes: Array<Node | null>; pageInfo: { hasPreviousPage: boolean; startCursor: string | null } };
      files?: { totalCount: number; nodes: Array<{ path: string; additions: number; deletions: number } | null> } | null;
      reviewThreads?: { nodes: Array<{ path: string; line: number | null; comments: { nodes: Array<Node | null> } } | null> };
    } | null;
  } | null;
}

const POST = "databaseId body createdAt lastEditedAt author { login }";
const THREAD_QUERY = `query($owner: String!, $name: String!, $number: Int!, $before: String) {
  repository(owner: $owner, name: $name) {
    issueOrPullRequest(number: $number) {
      __typename
      ... on Issue {
        title body lastEditedAt
        comments(last: 100, before: $before) { nodes { ${POST} } pageInfo { hasPreviousPage startCursor } }
      }
      ... on PullRequest {
        title body lastEditedAt
        comments(last: 100, before: $before) { nodes { ${POST} } pageInfo { hasPreviousPage startCursor } }
        files(first: 100) { totalCount nodes { path additions deletions } }
        reviewThreads(last: 50) { nodes { path line comments(first: 20) { nodes { ${POST} } } } }
      }
    }
  }
}`;

/** The section for the prompt; a short note instead when the thread cannot be read (the task still runs). */
export async function readThreadSection(opts: ThreadReadOptions): Promise<string> {
  const log = opts.log ?? (() => undefined);
  if (opts.budget <= 0) return "";
  try {
    const thread = await readThread(opts);
    const authors = authorsToCheck(thread, opts.command);
    const have = await permissionsOf(opts, authors).catch((error: unknown) => {
      log(`thread: the permissions of ${authors.length} author(s) could not be read (${message(error)}); their comments are left out`);
      return new Map<string, string>();
    });
    return threadSection({ thread, command: opts.command, budget: opts.budget, permitted: (login) => permits(have.get(login) ?? "read", opts.permission) });
  } catch (error) {
    log(`thread: #${opts.issue} could not be read (${message(error)}); the prompt goes without it`);
    return `## The thread\n\n_The thread of #${opts.issue} could not be read: work from the task alone._`;
  }
}

async function readThread(opts: ThreadReadOptions): Promise<ThreadSnapshot> {
  const [owner, name] = opts.repository.split("/");
  let comments: ThreadPost[] = [];
  let before: string | null = null;
  let first: NonNullable<NonNullable<Page["repository"]>["issueOrPullRequest"]> | null = null;
  for (let page = 0; page < (opts.maxPages ?? 5); page++) {
    const data: Page = await graphql<Page>(opts, THREAD_QUERY, { owner, name, number: opts.issue, before });
    const found = data.repository?.issueOrPullRequest;
    if (!found) throw new Error(`#${opts.issue} was not found`);
    first ??= found;
    comments = [...posts(found.comments.nodes), ...comments];
    if (comments.some((c) => c.id === opts.command) || !found.comments.pageInfo.hasPreviousPage) break;
    before = found.comments.pageInfo.startCursor;
  }
  const item = first!;
  const thread: ThreadSnapshot = {
    kind: item.__typename === "PullRequest" ? "pull" : "issue",
    number: opts.issue,
    title: item.title,
    body: item.body,
    editedAt: item.lastEditedAt,
    comments,
  };
  if (item.__typename === "PullRequest") {
    thread.files = (item.files?.nodes ?? []).flatMap((file) => (file ? [file] : []));
    thread.filesTotal = item.files?.totalCount ?? thread.files.length;
    thread.reviewComments = (item.reviewThreads?.nodes ?? []).flatMap((t) =>
      t ? posts(t.comments.nodes).map((post) => ({ ...post, path: t.path, line: t.line })) : [],
    );
  }
  return thread;
}

/** Each author's permission (`admin`, `write`, …), in one query; an author who is no collaborator is left out. */
async function permissionsOf(opts: ThreadReadOptions, logins: readonly string[]): Promise<Map<string, string>> {
  const have = new Map<string, string>();
  if (logins.length === 0) return have;
  const [owner, name] = opts.repository.split("/");
  const vars = logins.map((_, i) => `$u${i}: String!`).join(", ");
  const fields = logins.map((_, i) => `u${i}: collaborators(login: $u${i}, first: 1) { edges { permission node { login } } }`);
  const query = `query($owner: String!, $name: String!, ${vars}) {\n  repository(owner: $owner, name: $name) {\n    ${fields.join("\n    ")}\n  }\n}`;
  const variables: Record<string, unknown> = { owner, name };
  logins.forEach((login, i) => (variables[`u${i}`] = login));
  type Edges = { edges: Array<{ permission: string; node: { login: string } } | null> | null } | null;
  const data = await graphql<{ repository: Record<string, Edges> | null }>(opts, query, variables);
  logins.forEach((login, i) => {
    const edge = data.repository?.[`u${i}`]?.edges?.find((e) => e?.node.login.toLowerCase() === login.toLowerCase());
    if (edge) have.set(login, edge.permission.toLowerCase());
  });
  return have;
}

function posts(nodes: ReadonlyArray<Node | null>): ThreadPost[] {
  return nodes.flatMap((node) =>
    node ? [{ id: node.databaseId, author: node.author?.login ?? null, body: node.body, createdAt: node.createdAt, editedAt: node.lastEditedAt }] : [],
  );
}

async function graphql<T>(opts: ThreadReadOptions, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(opts.graphqlUrl, {
    method: "POST",
    headers: { authorization: `bearer ${opts.token}`, "content-type": "application/json", "user-agent": "dispatch-worker" },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`GraphQL answered ${response.status}`);
  const json = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (json.errors?.length) throw new Error(json.errors.map((e) => e.message).join("; "));
  if (!json.data) throw new Error("GraphQL answered without data");
  return json.data;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
