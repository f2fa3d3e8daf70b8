/**
 * The App and its installation: installation access tokens, the repository's installation, collaborator permission.
 */
import { HttpError, notFound, type Route } from "./http.js";
import type { StandIn } from "./server.js";

const ROLE: Record<string, string> = {
  admin: "admin",
  maintain: "write",
  write: "write",
  triage: "read",
  read: "read",
  none: "none",
};

export function installationRoutes(hub: StandIn): Route[] {
  return [
    {
      method: "GET",
      pattern: "/app",
      jwt: true,
      handle: () => ({
        status: 200,
        body: hub.shapes.app(hub.appSlug, { id: hub.appId, permissions: hub.appPermissions, events: hub.appEvents ? [...hub.appEvents] : [] }),
      }),
    },
    {
      method: "POST",
      pattern: "/app/installations/{id}/access_tokens",
      jwt: true,
      handle: ({ params }) => {
        if (Number(params["id"]) !== hub.installationId) throw notFound();
        const { token, expiresAt } = hub.issueInstallationToken();
        return {
          status: 201,
          body: {
            token,
            expires_at: expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
            permissions: hub.appPermissions,
            repository_selection: "all",
          },
        };
      },
    },
    {
      method: "GET",
      pattern: "/repos/{owner}/{repo}/installation",
      jwt: true,
      handle: ({ params }) => {
        const repo = hub.repoOr404(params);
        const account = hub.store.users.get(repo.owner);
        return {
          status: 200,
          body: {
            id: hub.installationId,
            account: account ? hub.shapes.user(account) : { login: repo.owner, type: "Organization" },
            repository_selection: "all",
            access_tokens_url: hub.shapes.api(`/app/installations/${hub.installationId}/access_tokens`),
            repositories_url: hub.shapes.api("/installation/repositories"),
            html_url: hub.shapes.web(`/settings/installations/${hub.installationId}`),
            app_id: hub.appId,
            app_slug: hub.appSlug,
            target_id: 1,
            target_type: "Organization",
            permissions: hub.appPermissions,
            events: hub.appEvents ? [...hub.appEvents] : [],
            created_at: "2026-01-01T00:00:00Z",
            updated_at: "2026-01-01T00:00:00Z",
            single_file_name: null,
            suspended_at: null,
            suspended_by: null,
          },
        };
      },
    },
    {
      method: "GET",
      pattern: "/repos/{owner}/{repo}/collaborators/{user}/permission",
      handle: ({ params }) => {
        hub.repoOr404(params);
        const user = hub.store.users.get(params["user"]!);
        if (!user) throw new HttpError(404, `${params["user"]} is not a user`, { documentation_url: DOC_PERMISSION });
        return {
          status: 200,
          body: { permission: ROLE[user.permission], role_name: user.permission, user: { ...hub.shapes.user(user), role_name: user.permission } },
        };
      },
    },
  ];
}

const DOC_PERMISSION =
  "https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user";
