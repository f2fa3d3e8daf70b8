/**
 * Issue comments and their reactions. Comments made through the API send `issue_comment` webhooks like GitHub's.
 */
import { HttpError, notFound, paginate, validationFailed, type Request, type Route } from "./http.js";
import type { StandIn } from "./server.js";
import type { Comment } from "./store.js";

export const COMMENT_BODY_LIMIT = 65_536;
const REACTIONS = new Set(["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]);
const DOC_COMMENTS = "https://docs.github.com/rest/issues/comments";

function bodyOf(request: Request): string {
  const body = (request.body ?? {}) as Record<string, unknown>;
  if (typeof body["body"] !== "string") {
    throw validationFailed([{ resource: "IssueComment", code: "missing_field", field: "body" }], DOC_COMMENTS);
  }
  if (body["body"].length > COMMENT_BODY_LIMIT) {
    throw validationFailed(
      [{ resource: "IssueComment", code: "custom", field: "body", message: "body is too long (maximum is 65536 characters)" }],
      DOC_COMMENTS,
    );
  }
  return body["body"];
}

export function issueRoutes(hub: StandIn): Route[] {
  const commentOr404 = (request: Request): Comment => {
    const repo = hub.repoOr404(request.params);
    const comment = hub.store.comments.get(Number(request.params["id"]));
    if (!comment || comment.repo !== `${repo.owner}/${repo.name}`) throw notFound(DOC_COMMENTS);
    return comment;
  };
  return [
    {
      method: "POST",
      pattern: "/repos/{owner}/{repo}/issues/comments/{id}/reactions",
      handle: (request) => {
        const comment = commentOr404(request);
        const content = (request.body as Record<string, unknown> | null)?.["content"];
        if (typeof content !== "string" || !REACTIONS.has(content)) {
          throw validationFailed([{ resource: "Reaction", code: "invalid", field: "content" }]);
        }
        const user = hub.callerLogin(request.caller);
        const existing = comment.reactions.find((r) => r.user === user && r.content === content);
        const reaction = existing ?? { id: hub.store.id(), user, content, createdAt: hub.store.now() };
        if (!existing) comment.reactions.push(reaction);
        return {
          status: existing ? 200 : 201,
          body: {
            id: reaction.id,
            node_id: hub.shapes.nodeId("Reaction", reaction.id),
            user: hub.shapes.userByLogin(user),
            content,
            created_at: hub.shapes.iso(reaction.createdAt),
          },
        };
      },
    },
    {
      // "List reactions for an issue comment", optionally of one `content`, oldest first.
      method: "GET",
      pattern: "/repos/{owner}/{repo}/issues/comments/{id}/reactions",
      handle: (request) => {
        const comment = commentOr404(request);
        const content = request.query.get("content");
        if (content !== null && !REACTIONS.has(content)) throw validationFailed([{ resource: "Reaction", code: "invalid", field: "content" }]);
        const all = comment.reactions.filter((r) => content === null || r.content === content);
        const { page, link } = paginate(all, request.query, hub.shapes.api(request.path));
        const body = page.map((r) => ({
          id: r.id,
          node_id: hub.shapes.nodeId("Reaction", r.id),
          user: hub.shapes.userByLogin(r.user),
          content: r.content,
          created_at: hub.shapes.iso(r.createdAt),
        }));
        return { status: 200, body, headers: link ? { link } : undefined };
      },
    },
    {
      method: "POST",
      pattern: "/repos/{owner}/{repo}/issues/{number}/comments",
      handle: async (request) => {
        const repo = hub.repoOr404(request.params);
        const issue = hub.store.issue(`${repo.owner}/${repo.name}`, Number(request.params["number"]));
        if (!issue) throw notFound(DOC_COMMENTS);
        const comment = hub.addComment({
          repo,
          issue,
          user: hub.callerLogin(request.caller),
          body: bodyOf(request),
          viaApp: request.caller.kind === "installation",
        });
        return { status: 201, body: hub.shapes.comment(comment) };
      },
    },
    {
      method: "PATCH",
      pattern: "/repos/{owner}/{repo}/issues/comments/{id}",
      handle: (request) => {
        const comment = commentOr404(request);
        const author = hub.callerLogin(request.caller);
        if (author !== comment.user && request.caller.kind !== "installation") {
          throw new HttpError(403, "Resource not accessible by integration", { documentation_url: DOC_COMMENTS });
        }
        hub.editComment(comment, bodyOf(request), author);
        return { status: 200, body: hub.shapes.comment(comment) };
      },
    },
    {
      method: "GET",
      pattern: "/repos/{owner}/{repo}/issues/comments/{id}",
      handle: (request) => ({ status: 200, body: hub.shapes.comment(commentOr404(request)) }),
    },
    {
      // "List issue comments for a repository": every thread's comments, `since` an updated time, sorted by
      // `sort` (created, updated) and `direction` (asc unless given).
      method: "GET",
      pattern: "/repos/{owner}/{repo}/issues/comments",
      handle: (request) => {
        const repo = hub.repoOr404(request.params);
        const full = `${repo.owner}/${repo.name}`;
        const since = request.query.get("since");
        const key = request.query.get("sort") === "updated" ? (c: { updatedAt: Date }) => c.updatedAt.getTime() : (c: { createdAt: Date }) => c.createdAt.getTime();
        const sign = request.query.get("direction") === "desc" ? -1 : 1;
        const all = [...hub.store.comments.values()]
          .filter((c) => c.repo === full && (!since || c.updatedAt.getTime() >= new Date(since).getTime()))
          .sort((a, b) => sign * (key(a) - key(b)) || sign * (a.id - b.id));
        const { page, link } = paginate(all, request.query, hub.shapes.api(request.path));
        return { status: 200, body: page.map((c) => hub.shapes.comment(c)), headers: link ? { link } : undefined };
      },
    },
    {
      method: "GET",
      pattern: "/repos/{owner}/{repo}/issues/{number}/comments",
      handle: (request) => {
        const repo = hub.repoOr404(request.params);
        const full = `${repo.owner}/${repo.name}`;
        const number = Number(request.params["number"]);
        if (!hub.store.issue(full, number)) throw notFound(DOC_COMMENTS);
        const since = request.query.get("since");
        const all = hub.store
          .commentsOf(full, number)
          .filter((c) => !since || c.updatedAt.getTime() >= new Date(since).getTime());
        const { page, link } = paginate(all, request.query, hub.shapes.api(request.path));
        return { status: 200, body: page.map((c) => hub.shapes.comment(c)), headers: link ? { link } : undefined };
      },
    },
  ];
}
