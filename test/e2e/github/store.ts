/**
 * What the stand-in remembers besides git: users, repositories, issues, comments, reactions, pull requests.
 * Plain data; the HTTP layer renders it in GitHub's shapes (shapes.ts).
 */

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface User {
  login: string;
  id: number;
  type: "User" | "Bot";
  /** Permission on every repository of the stand-in. */
  permission: Permission;
  email: string;
}

export interface Repo {
  owner: string;
  name: string;
  id: number;
  /** The bare repository on disk. */
  dir: string;
  defaultBranch: string;
  createdAt: Date;
}

export interface Issue {
  repo: string;
  number: number;
  title: string;
  body: string;
  user: string;
  createdAt: Date;
  /** Set when this number is a pull request. */
  pull?: Pull;
}

export interface Pull {
  head: string;
  base: string;
  state: "open" | "closed";
  draft: boolean;
  /** The head branch lives in a fork (its repository's full name), for fork-refusal tests. */
  headRepo?: string;
  /** The head's last known commit: GitHub still answers it as `head.sha` once the branch is deleted (or lives in a fork). */
  headSha: string;
}

export interface Reaction {
  id: number;
  user: string;
  content: string;
  createdAt: Date;
}

export interface Comment {
  repo: string;
  id: number;
  issue: number;
  user: string;
  body: string;
  createdAt: Date;
  updatedAt: Date;
  reactions: Reaction[];
  /** Set when an app made the comment. */
  viaApp: boolean;
}

export const PERMISSION_ORDER: Permission[] = ["none", "read", "triage", "write", "maintain", "admin"];

export class Store {
  readonly users = new Map<string, User>();
  readonly repos = new Map<string, Repo>();
  readonly issues = new Map<string, Issue>();
  readonly comments = new Map<number, Comment>();
  private nextId = 1_000_000;
  private clock = Date.UTC(2026, 0, 5, 9, 0, 0);

  /** Unique ids across all kinds, like GitHub's big integers. */
  id(): number {
    return this.nextId++;
  }

  /** Strictly increasing timestamps, so ordering by time never ties. */
  now(): Date {
    this.clock = Math.max(this.clock + 1000, Math.floor(Date.now() / 1000) * 1000);
    return new Date(this.clock);
  }

  addUser(user: Omit<User, "id" | "email"> & { email?: string }): User {
    const full: User = {
      ...user,
      id: this.id(),
      email: user.email ?? `${user.login.replace(/\[bot\]$/, "")}@users.noreply.github.com`,
    };
    this.users.set(user.login, full);
    return full;
  }

  user(login: string): User {
    const user = this.users.get(login);
    if (!user) throw new Error(`stand-in: unknown user ${login} (add it with users)`);
    return user;
  }

  repo(owner: string, name: string): Repo | undefined {
    return this.repos.get(`${owner}/${name}`);
  }

  issue(repo: string, number: number): Issue | undefined {
    return this.issues.get(`${repo}#${number}`);
  }

  nextIssueNumber(repo: string): number {
    let max = 0;
    for (const issue of this.issues.values()) if (issue.repo === repo) max = Math.max(max, issue.number);
    return max + 1;
  }

  addIssue(issue: Issue): Issue {
    this.issues.set(`${issue.repo}#${issue.number}`, issue);
    return issue;
  }

  commentsOf(repo: string, issue: number): Comment[] {
    return [...this.comments.values()]
      .filter((c) => c.repo === repo && c.issue === issue)
      .sort((a, b) => a.id - b.id);
  }

  pulls(repo: string): Issue[] {
    return [...this.issues.values()].filter((i) => i.repo === repo && i.pull).sort((a, b) => a.number - b.number);
  }
}
