/**
 * `POST /graphql`, executed by the real `graphql` package against GitHub's published schema
 * (`@octokit/graphql-schema`): a query with a field, argument or type GitHub does not have is refused as GitHub
 * refuses it, and recorded as a contract violation. Resolvers cover what dispatch reads: `Repository.object(expression:)`
 * over the bare repository, a thread's title, body and comments as a connection, a pull request's changed files and
 * review threads, a collaborator's permission, and the comments (`issue`, `pullRequest`, `issueOrPullRequest`
 * answer as GitHub does: `issue(number:)` of a pull request is NOT_FOUND).
 */
import { execute, GraphQLError, parse, validate, type DocumentNode } from "graphql";
import { githubSchema } from "../../contracts/graphql-schema.js";
import { diffFiles, listTree, mergeBase, objectType, readBlob, readCommit, revParse } from "./git.js";
import type { Route } from "./http.js";
import type { StandIn } from "./server.js";
import type { Comment, Repo } from "./store.js";


class TypedError extends GraphQLError {
  constructor(message: string, type: string) {
    super(message, { extensions: { type } });
  }
}

const MAX_PAGE = 100;
const cursorOf = (index: number) => Buffer.from(`cursor:v2:${index}`).toString("base64");
const indexOf = (cursor: string) => {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!match) throw new TypedError(`\`${cursor}\` does not appear to be a valid cursor.`, "INVALID_CURSOR_ARGUMENTS");
  return Number(match[1]);
};

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

function connection<T>(all: T[], args: PageArgs, name: string, node: (item: T) => unknown) {
  if (args.first == null && args.last == null) {
    throw new TypedError(
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
      "MISSING_PAGINATION_BOUNDARIES",
    );
  }
  for (const key of ["first", "last"] as const) {
    const value = args[key];
    if (value != null && (value < 0 || value > MAX_PAGE)) {
      throw new TypedError(
        `Requesting ${value} records on the \`${name}\` connection exceeds the \`${key}\` limit of ${MAX_PAGE} records.`,
        "EXCESSIVE_PAGINATION",
      );
    }
  }
  let start = 0;
  let end = all.length; // exclusive
  if (args.after) start = Math.max(start, indexOf(args.after) + 1);
  if (args.before) end = Math.min(end, indexOf(args.before));
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const window = end > start ? all.slice(start, end) : [];
  return {
    nodes: window.map(node),
    edges: window.map((item, i) => ({ cursor: cursorOf(start + i), node: node(item) })),
    totalCount: all.length,
    pageInfo: {
      hasPreviousPage: start > 0 && window.length > 0,
      hasNextPage: end < all.length && window.length > 0,
      startCursor: window.length ? cursorOf(start) : null,
      endCursor: window.length ? cursorOf(end - 1) : null,
    },
  };
}

function gitObject(hub: StandIn, repo: Repo, oid: string, path?: string): Promise<Record<string, unknown>> {
  return objectType(repo.dir, oid).then((type) => {
    const base = { id: hub.shapes.nodeId(type, parseInt(oid.slice(0, 8), 16)), oid, abbreviatedOid: oid.slice(0, 7) };
    if (type === "blob") {
      const content = readBlob(repo.dir, oid);
      const binary = content.then((buffer) => buffer.subarray(0, 8000).includes(0));
      return {
        __typename: "Blob",
        ...base,
        byteSize: () => content.then((b) => b.length),
        isBinary: () => binary,
        isTruncated: false,
        text: async () => ((await binary) ? null : (await content).toString("utf8")),
      };
    }
    if (type === "tree") {
      return {
        __typename: "Tree",
        ...base,
        entries: async () =>
          (await listTree(repo.dir, oid)).map((entry) => ({
            name: entry.name,
            path: path ? `${path}/${entry.name}` : entry.name,
            type: entry.type,
            mode: parseInt(entry.mode, 8),
            oid: entry.oid,
            object: () => (entry.type === "commit" ? null : gitObject(hub, repo, entry.oid)),
          })),
      };
    }
    if (type === "commit") {
      const commit = readCommit(repo.dir, oid);
      return {
        __typename: "Commit",
        ...base,
        message: async () => (await commit).message,
        committedDate: async () => (await commit).committer.date.toISOString(),
        tree: async () => gitObject(hub, repo, (await commit).tree),
      };
    }
    return { __typename: "Commit", ...base };
  });
}

function repository(hub: StandIn, repo: Repo) {
  const full = `${repo.owner}/${repo.name}`;
  const actor = (login: string) => {
    const user = hub.store.users.get(login);
    return user
      ? {
          __typename: user.type === "Bot" ? "Bot" : "User",
          login: user.type === "Bot" ? user.login.replace(/\[bot\]$/, "") : user.login,
          url: hub.shapes.web(`/${user.login}`),
          avatarUrl: hub.shapes.web(`/avatars/${user.id}`),
        }
      : null;
  };
  const commentNode = (comment: Comment) => {
    const user = hub.store.users.get(comment.user);
    return {
      lastEditedAt: comment.updatedAt.getTime() > comment.createdAt.getTime() ? comment.updatedAt.toISOString() : null,
      id: hub.shapes.nodeId("IssueComment", comment.id),
      databaseId: comment.id,
      body: comment.body,
      createdAt: comment.createdAt.toISOString(),
      updatedAt: comment.updatedAt.toISOString(),
      url: hub.shapes.comment(comment)["html_url"],
      author: user
        ? {
            __typename: user.type === "Bot" ? "Bot" : "User",
            login: user.type === "Bot" ? user.login.replace(/\[bot\]$/, "") : user.login,
            url: hub.shapes.web(`/${user.login}`),
            avatarUrl: hub.shapes.web(`/avatars/${user.id}`),
          }
        : null,
    };
  };
  const thread = (number: number, want: "issue" | "pull" | "either") => {
    const issue = hub.store.issue(full, number);
    const isPull = Boolean(issue?.pull);
    if (!issue || (want === "issue" && isPull) || (want === "pull" && !isPull)) {
      const what = want === "pull" ? "a PullRequest" : want === "issue" ? "an Issue" : "an issue or pull request";
      throw new TypedError(`Could not resolve to ${what} with the number of ${number}.`, "NOT_FOUND");
    }
    return {
      __typename: isPull ? "PullRequest" : "Issue",
      id: hub.shapes.nodeId(isPull ? "PullRequest" : "Issue", number),
      number,
      title: issue.title,
      body: issue.body,
      createdAt: issue.createdAt.toISOString(),
      lastEditedAt: null,
      author: actor(issue.user),
      files: async (args: PageArgs) => {
        if (!issue.pull) return null;
        const base = await revParse(repo.dir, `refs/heads/${issue.pull.base}`);
        const head = await revParse(repo.dir, `refs/heads/${issue.pull.head}`);
        const from = base && head ? await mergeBase(repo.dir, base, head) : null;
        const files = from && head ? await diffFiles(repo.dir, from, head) : [];
        return connection(files, args, "files", (file) => ({ path: file.filename, additions: file.additions, deletions: file.deletions }));
      },
      reviewThreads: (args: PageArgs) => connection([], args, "reviewThreads", (thread) => thread),
      url: hub.shapes.web(`/${full}/${isPull ? "pull" : "issues"}/${number}`),
      headRefName: issue.pull?.head,
      baseRefName: issue.pull?.base,
      isCrossRepository: Boolean(issue.pull?.headRepo),
      comments: (args: PageArgs) => connection(hub.store.commentsOf(full, number), args, "comments", commentNode),
    };
  };
  return {
    id: hub.shapes.nodeId("Repository", repo.id),
    name: repo.name,
    nameWithOwner: full,
    url: hub.shapes.web(`/${full}`),
    defaultBranchRef: async () => {
      const oid = await revParse(repo.dir, `refs/heads/${repo.defaultBranch}`);
      return { name: repo.defaultBranch, prefix: "refs/heads/", target: oid ? gitObject(hub, repo, oid) : null };
    },
    object: async ({ expression, oid }: { expression?: string; oid?: string }) => {
      const spec = expression ?? oid;
      if (!spec) return null;
      const found = await revParse(repo.dir, spec);
      if (!found) return null;
      const colon = spec.indexOf(":");
      return gitObject(hub, repo, found, colon >= 0 ? spec.slice(colon + 1).replace(/\/+$/, "") : undefined);
    },
    issue: ({ number }: { number: number }) => thread(number, "issue"),
    pullRequest: ({ number }: { number: number }) => thread(number, "pull"),
    issueOrPullRequest: ({ number }: { number: number }) => thread(number, "either"),
    collaborators: (args: PageArgs & { login?: string | null }) => {
      const people = [...hub.store.users.values()].filter(
        (user) => user.type !== "Bot" && user.permission !== "none" && user.permission !== "read" && (!args.login || user.login === args.login),
      );
      return {
        totalCount: people.length,
        nodes: people.map((user) => actor(user.login)),
        edges: people.map((user) => ({ cursor: cursorOf(0), node: actor(user.login), permission: user.permission.toUpperCase() })),
      };
    },
  };
}

export function graphqlRoutes(hub: StandIn): Route[] {
  return [
    {
      method: "POST",
      pattern: "/graphql",
      handle: async ({ body }) => {
        const { query, variables, operationName } = (body ?? {}) as {
          query?: unknown;
          variables?: Record<string, unknown>;
          operationName?: string;
        };
        if (typeof query !== "string") {
          return { status: 400, body: { message: "A query attribute must be specified and must be a string.", documentation_url: "https://docs.github.com/graphql" } };
        }
        const rootValue = {
          repository: ({ owner, name }: { owner: string; name: string }) => {
            const repo = hub.store.repo(owner, name);
            if (!repo) throw new TypedError(`Could not resolve to a Repository with the name '${owner}/${name}'.`, "NOT_FOUND");
            return repository(hub, repo);
          },
        };
        let document: DocumentNode;
        try {
          document = parse(query);
        } catch (error) {
          hub.violate([`GraphQL: ${(error as Error).message}`]);
          return { status: 200, body: { errors: [{ message: (error as Error).message }] } };
        }
        const invalid = validate(githubSchema(), document);
        if (invalid.length > 0) {
          hub.violate(invalid.map((error) => `GraphQL: ${error.message}`));
          return { status: 200, body: { errors: invalid.map((error) => ({ path: error.path, locations: error.locations, message: error.message })) } };
        }
        // Validated above: executed without validating again.
        const result = await execute({
          schema: githubSchema(),
          document,
          rootValue,
          variableValues: variables ?? null,
          operationName: operationName ?? null,
        });
        const reply: Record<string, unknown> = {};
        if (result.data !== undefined) reply["data"] = result.data;
        if (result.errors?.length) {
          reply["errors"] = result.errors.map((error) => ({
            ...(error.extensions?.["type"] ? { type: error.extensions["type"] } : {}),
            path: error.path,
            locations: error.locations,
            message: error.message,
          }));
        }
        return { status: 200, body: reply };
      },
    },
  ];
}
