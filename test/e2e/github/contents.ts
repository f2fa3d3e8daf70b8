/**
 * The contents API over the bare repository: read a file (JSON with base64, or raw), list a folder, and commit one
 * file onto a branch with git plumbing (a stale branch head gives 409, as on GitHub).
 */
import { branchHead, commitFile, listTree, objectType, readBlob, readCommit, revParse } from "./git.js";
import { HttpError, notFound, validationFailed, type Request, type Route } from "./http.js";
import type { StandIn } from "./server.js";

const DOC_GET = "https://docs.github.com/rest/repos/contents#get-repository-content";
const DOC_PUT = "https://docs.github.com/rest/repos/contents#create-or-update-file-contents";

export function contentRoutes(hub: StandIn): Route[] {
  return [
    { method: "GET", pattern: "/repos/{owner}/{repo}/contents", handle: (r) => getContent(hub, r, "") },
    { method: "GET", pattern: "/repos/{owner}/{repo}/contents/{+path}", handle: (r) => getContent(hub, r, r.params["path"]!) },
    { method: "PUT", pattern: "/repos/{owner}/{repo}/contents/{+path}", handle: (r) => putContent(hub, r) },
  ];
}

async function getContent(hub: StandIn, request: Request, rawPath: string) {
  const repo = hub.repoOr404(request.params);
  const path = rawPath.replace(/^\/+|\/+$/g, "");
  const ref = request.query.get("ref") || repo.defaultBranch;
  const oid = await revParse(repo.dir, `${ref}:${path}`);
  if (!oid) throw notFound(DOC_GET);
  const type = await objectType(repo.dir, oid);
  if (type === "tree") {
    const entries = await listTree(repo.dir, oid);
    return {
      status: 200,
      body: entries.map((entry) => ({
        ...hub.shapes.file(repo, {
          path: path ? `${path}/${entry.name}` : entry.name,
          sha: entry.oid,
          size: entry.size ?? 0,
          ref,
        }),
        type: entry.type === "tree" ? "dir" : entry.type === "commit" ? "submodule" : "file",
      })),
    };
  }
  if (type !== "blob") throw notFound(DOC_GET);
  const content = await readBlob(repo.dir, oid);
  if (/application\/vnd\.github(\.v3)?\.raw/.test(String(request.headers["accept"] ?? ""))) {
    return { status: 200, body: content, headers: { "content-type": "application/vnd.github.raw; charset=utf-8" } };
  }
  return { status: 200, body: hub.shapes.file(repo, { path, sha: oid, size: content.length, ref, content }) };
}

async function putContent(hub: StandIn, request: Request) {
  const repo = hub.repoOr404(request.params);
  const path = request.params["path"]!.replace(/^\/+|\/+$/g, "");
  const body = (request.body ?? {}) as Record<string, unknown>;
  for (const field of ["message", "content"]) {
    if (typeof body[field] !== "string") {
      throw validationFailed([{ resource: "Contents", code: "missing_field", field }], DOC_PUT);
    }
  }
  const branch = typeof body["branch"] === "string" ? body["branch"] : repo.defaultBranch;
  const head = await branchHead(repo.dir, branch);
  if (!head) throw new HttpError(404, `Branch ${branch} not found`, { documentation_url: DOC_PUT, status: "404" });
  const existing = await revParse(repo.dir, `${head}:${path}`);
  const sha = typeof body["sha"] === "string" ? body["sha"] : null;
  if (existing && !sha) {
    throw new HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.', { documentation_url: DOC_PUT, status: "422" });
  }
  if (sha && sha !== existing) {
    throw new HttpError(409, `${path} does not match ${sha}`, { documentation_url: DOC_PUT, status: "409" });
  }
  const actor = hub.store.user(hub.callerLogin(request.caller));
  const person = (value: unknown) => {
    const given = value as { name?: unknown; email?: unknown } | undefined;
    return typeof given?.name === "string" && typeof given.email === "string"
      ? { name: given.name, email: given.email }
      : { name: actor.login, email: actor.email };
  };
  const committer = person(body["committer"]);
  const result = await commitFile({
    dir: repo.dir,
    branch,
    parent: head,
    path,
    content: Buffer.from(body["content"] as string, "base64"),
    message: body["message"] as string,
    author: body["author"] ? person(body["author"]) : committer,
    committer,
  });
  if (!result.ok) {
    const now = await branchHead(repo.dir, branch);
    throw new HttpError(409, `refs/heads/${branch} is at ${now} but expected ${head}`, {
      documentation_url: DOC_PUT,
      status: "409",
    });
  }
  hub.announcePush({ repo, ref: `refs/heads/${branch}`, before: head, after: result.commit, sender: actor.login });
  const size = Buffer.from(body["content"] as string, "base64").length;
  return {
    status: existing ? 200 : 201,
    body: {
      content: hub.shapes.file(repo, { path, sha: result.blob, size, ref: branch }),
      commit: hub.shapes.commit(repo, await readCommit(repo.dir, result.commit)),
    },
  };
}
