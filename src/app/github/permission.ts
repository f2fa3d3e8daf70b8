/**
 * A person's permission on the repository, as GitHub names it: the role (`maintain`, `triage`, a custom role's base)
 * when it is one of the known permissions, else the classic `admin` / `write` / `read`.
 */
import { PERMISSIONS } from "../../core/config.js";
import type { GitHub } from "./client.js";

export async function permissionOf(gh: GitHub, login: string): Promise<string> {
  const { data } = await gh.octokit.rest.repos.getCollaboratorPermissionLevel({ ...gh.repo, username: login });
  const role = (data as { role_name?: string }).role_name;
  return role && (PERMISSIONS as readonly string[]).includes(role) ? role : data.permission;
}
