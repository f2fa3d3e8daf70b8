/**
 * The runner's "Cleaning up orphan processes" at the end of every job, as actions/runner does it: each job's steps
 * run with RUNNER_TRACKING_ID=github_<uuid> in their environment, and once the job ends every process still carrying
 * that marker (read from /proc/<pid>/environ) is killed. A process whose environment the runner cannot read (another
 * user's, when the runner is not root) or that dropped the marker survives, as on a real runner.
 */
import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { execa } from "execa";

export const TRACKING_ENV = "RUNNER_TRACKING_ID";

export function newTrackingId(): string {
  return `github_${randomUUID()}`;
}

/** Kill every process whose environment carries `trackingId`; one log line per process, as the runner prints. */
export async function killOrphans(trackingId: string): Promise<string[]> {
  const marker = `${TRACKING_ENV}=${trackingId}`;
  const lines: string[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const name = (await readFile(`/proc/${entry}/comm`, "utf8").catch(() => "?")).trim();
    const environ = await readFile(`/proc/${entry}/environ`, "latin1").catch(() => "");
    if (!environ.split("\0").includes(marker)) continue;
    try {
      // Right after the read: no await between it and the kill.
      process.kill(Number(entry), "SIGKILL");
      lines.push(`Terminate orphan process: pid (${entry}) (${name})`);
    } catch {
      // Gone since the read.
    }
  }
  return lines;
}

/**
 * For a test run by a non-root user, after a job whose orphans the runner could not read (the agent's own user):
 * kill them through `sudo -n`, which a runner would not do. Returns how many were killed.
 */
export async function reapWithSudo(trackingId: string): Promise<number> {
  const script = 'for f in /proc/[0-9]*/environ; do if { tr "\\0" "\\n" < "$f"; } 2>/dev/null | grep -qxF "$1"; then p=${f#/proc/}; echo ${p%/environ}; fi; done';
  const found = await execa("sudo", ["-n", "sh", "-c", script, "sh", `${TRACKING_ENV}=${trackingId}`], { reject: false });
  const pids = found.stdout.split("\n").filter((pid) => /^\d+$/.test(pid));
  if (pids.length > 0) await execa("sudo", ["-n", "kill", "-9", ...pids], { reject: false });
  return pids.length;
}
