/**
 * The git references API over the bare repository, as GitHub answers it: read a branch (404 when there is none),
 * create one (201; 422 "Reference already exists" when it is there, which makes a create a claim; 422 for a commit
 * the repository lacks or a name outside `refs/`), delete one (204; 422 "Reference does not exist"). A created or
 * deleted branch sends its push webhook, as on GitHub.
 */
import { git, objectType, ZERO_SHA } from "./git.js";
import { HttpError, notFound, type Request, type Route } from "./http.js";
import type { StandIn } from "./server.js";

const DOC_GET = "https://docs.github.com/rest/git/refs#get-a-reference";
const DOC_CREATE = "https://docs.github.com/rest/git/refs#create-a-reference";
const DOC_DELETE = "https://docs.github.com/rest/git/refs#delete-a-reference";
const FULL_ID = /^[0-9a-f]{40}$/;

export function refRoutes(hub: StandIn): Route[] {
  return [
    { method: "GET", pattern: "/repos/{owner}/{repo}/git/ref/{+ref}", handle: (r) => getRef(hub, r) },
    { method: "POST", pattern: "/repos/{owner}/{repo}/git/refs", handle: (r) => createRef(hub, r) },
    { method: "DELETE", pattern: "/repos/{owner}/{repo}/git/refs/{+ref}", handle: (r) => deleteRef(hub, r) },
  ];
}

/** `refs/<ref>`'s commit, read by git (never a cached guess: refs move). */
async function refCommit(dir: string, name: string): Promise<string | null> {
  const result = await git(dir, ["rev-parse", "--verify", "--quiet", `${name}^{commit}`], { reject: false });
  return result.exitCode === 0 && FULL_ID.test(result.stdout) ? result.stdout : null;
}

async function getRef(hub: StandIn, request: Request) {
  const repo = hub.repoOr404(request.params);
  const name = `refs/${request.params["ref"]!}`;
  const sha = await refCommit(repo.dir, name);
  if (!sha) throw notFound(DOC_GET);
  return { status: 200, body: hub.shapes.ref(repo, { name, sha }) };
}

async function createRef(hub: StandIn, request: Request) {
  const repo = hub.repoOr404(request.params);
  const body = (request.body ?? {}) as { ref?: unknown; sha?: unknown };
  const name = typeof body.ref === "string" ? body.ref : "";
  const sha = typeof body.sha === "string" ? body.sha : "";
  if (!name.startsWith("refs/") || name.split("/").length < 3) {
    throw new HttpError(422, "Reference name must start with 'refs/' and have at least two slashes.", { documentation_url: DOC_CREATE, status: "422" });
  }
  if (!FULL_ID.test(sha) || (await objectType(repo.dir, sha).catch(() => null)) !== "commit") {
    throw new HttpError(422, "Object does not exist", { documentation_url: DOC_CREATE, status: "422" });
  }
  // `update-ref <ref> <new> <zero>` makes the ref only if it does not exist: the atomic create GitHub gives.
  const made = await git(repo.dir, ["update-ref", name, sha, ZERO_SHA], { reject: false });
  if (made.exitCode !== 0) throw new HttpError(422, "Reference already exists", { documentation_url: DOC_CREATE, status: "422" });
  const actor = hub.store.user(hub.callerLogin(request.caller));
  hub.announcePush({ repo, ref: name, before: ZERO_SHA, after: sha, sender: actor.login });
  return { status: 201, body: hub.shapes.ref(repo, { name, sha }) };
}

async function deleteRef(hub: StandIn, request: Request) {
  const repo = hub.repoOr404(request.params);
  const name = `refs/${request.params["ref"]!}`;
  const sha = await refCommit(repo.dir, name);
  const deleted = sha ? await git(repo.dir, ["update-ref", "-d", name, sha], { reject: false }) : null;
  if (!sha || deleted?.exitCode !== 0) throw new HttpError(422, "Reference does not exist", { documentation_url: DOC_DELETE, status: "422" });
  const actor = hub.store.user(hub.callerLogin(request.caller));
  hub.announcePush({ repo, ref: name, before: sha, after: ZERO_SHA, sender: actor.login });
  return { status: 204 };
}
