/**
 * The agent's own OS user: the agent runs as an unprivileged user (default `dispatch-agent`), never as the worker,
 * so it cannot read the worker's environment (/proc/<pid>/environ holds the token), write the git directory and
 * configuration the worker pushes from, or signal the worker.
 *
 * - the worker is root (container jobs, self-hosted machines): the user is created with `useradd` and the agent is
 *   started with Node's `uid`/`gid` spawn options (supplementary groups dropped);
 * - the worker has passwordless sudo (GitHub-hosted runners): `sudo -n useradd`, the agent started through
 *   `sudo -n -u <user>`;
 * - neither: the task is refused, unless the workflow opted into `agent-user: same` (unsafe: the agent then runs as
 *   the worker and can read the token).
 */
import { execa } from "execa";

export type AgentUserMode = "root" | "sudo" | "same";

export interface AgentUser {
  mode: AgentUserMode;
  /** The user name; null for `same`. */
  name: string | null;
  uid: number;
  gid: number;
}

export const DEFAULT_AGENT_USER = "dispatch-agent";
/** The `agent-user` value that runs the agent as the worker. */
export const SAME_USER = "same";

export class AgentUserError extends Error {}

/** The agent's user as the `agent-user` input asks: a user name (created when missing) or `same`. */
export async function resolveAgentUser(opts: { choice: string; log?: (line: string) => void }): Promise<AgentUser> {
  const log = opts.log ?? (() => undefined);
  const choice = opts.choice.trim() || DEFAULT_AGENT_USER;
  const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  if (choice === SAME_USER) {
    log("agent-user: same: the agent runs as the worker's own user and can read the GitHub token (unsafe)");
    return { mode: "same", name: null, ...self };
  }
  if (!/^[a-z_][a-z0-9_-]{0,30}$/.test(choice)) throw new AgentUserError(`agent-user "${choice}" is not a user name (or "same")`);
  let mode: AgentUserMode;
  if (self.uid === 0) mode = "root";
  else if (await canSudo()) mode = "sudo";
  else {
    throw new AgentUserError(
      `cannot run the agent as its own user "${choice}": the worker is neither root nor allowed passwordless sudo. ` +
        `Run the job as root (a container job) or on a runner with sudo, or set the Action input \`agent-user: same\` ` +
        `to run the agent as the worker's user (unsafe: the agent can then read the GitHub token).`,
    );
  }
  const ids = (await lookup(choice)) ?? (await create(choice, mode, log));
  if (ids.uid === 0) throw new AgentUserError(`agent-user "${choice}" is root`);
  log(`the agent runs as ${choice} (uid ${ids.uid}${mode === "sudo" ? ", through sudo" : ""})`);
  return { mode, name: choice, ...ids };
}

async function canSudo(): Promise<boolean> {
  const r = await execa("sudo", ["-n", "true"], { reject: false, stdin: "ignore" });
  return r.exitCode === 0;
}

async function lookup(name: string): Promise<{ uid: number; gid: number } | null> {
  const uid = await execa("id", ["-u", name], { reject: false });
  const gid = await execa("id", ["-g", name], { reject: false });
  if (uid.exitCode !== 0 || gid.exitCode !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function create(name: string, mode: AgentUserMode, log: (line: string) => void): Promise<{ uid: number; gid: number }> {
  log(`creating the user ${name} for the agent`);
  const args = ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name];
  for (let attempt = 1; ; attempt++) {
    const r = mode === "sudo" ? await execa("sudo", ["-n", "useradd", ...args], { reject: false }) : await execa("useradd", args, { reject: false });
    // Another job on the same machine may have created it meanwhile (exit 9: the user exists), or be creating one
    // (exit 1 or 10: "cannot lock /etc/passwd" or /etc/group; try again).
    const ids = await lookup(name);
    if (ids) return ids;
    if ((r.exitCode !== 1 && r.exitCode !== 10) || attempt >= 5) throw new AgentUserError(`could not create the user ${name}: ${r.stderr.trim() || `useradd exited ${r.exitCode}`}`);
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
}

/**
 * Hand `paths` (recursively, symbolic links not followed) to the agent's user. Through sudo the worker is not root:
 * the files keep the worker's group, group-writable, so the worker's git can still bring the app's commits in.
 */
export async function handOver(user: AgentUser, paths: readonly string[]): Promise<void> {
  if (user.mode === "same" || paths.length === 0) return;
  if (user.mode === "root") {
    await execa("chown", ["-R", "-P", `${user.uid}:${user.gid}`, "--", ...paths]);
    return;
  }
  const group = process.getgid?.() ?? user.gid;
  await execa("sudo", ["-n", "chown", "-R", "-P", `${user.uid}:${group}`, "--", ...paths]);
  await execa("sudo", ["-n", "chmod", "-R", "g+rwX", "--", ...paths]);
}

/** Take `paths` back for the worker (after the agent exited), so it can write and remove them. */
export async function takeBack(user: AgentUser, paths: readonly string[]): Promise<void> {
  if (user.mode !== "sudo" || paths.length === 0) return;
  await execa("sudo", ["-n", "chown", "-R", "-P", `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`, "--", ...paths], { reject: false });
}

/** How to start a program as the agent's user: a command prefix and spawn options. */
export interface RunAs {
  /** Program and arguments put before the agent's own. */
  prefix: string[];
  uid?: number;
  gid?: number;
  /** Send a signal to the agent's process group. */
  kill: (pgid: number, signal: NodeJS.Signals) => void;
}

export function runAs(user: AgentUser, env: Readonly<Record<string, string>>): RunAs | undefined {
  if (user.mode === "same") return undefined;
  if (user.mode === "root") return { prefix: [], uid: user.uid, gid: user.gid, kill: (pgid, signal) => process.kill(-pgid, signal) };
  // sudo resets the environment and PATH (secure_path): the names are kept with --preserve-env, PATH set by env(1).
  const names = Object.keys(env).filter((n) => n !== "PATH");
  return {
    prefix: ["sudo", "-n", `--preserve-env=${names.join(",")}`, "-u", user.name!, "--", "env", `PATH=${env["PATH"] ?? ""}`],
    kill: (pgid, signal) => void execa("sudo", ["-n", "kill", "-s", signal, "--", `-${pgid}`], { reject: false }),
  };
}
