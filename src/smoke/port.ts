/**
 * What the smoke test does on GitHub, as a person with write access would: the few calls it makes, behind one
 * interface so its logic runs against real GitHub (rest.ts) and, in tests, against the e2e stand-in.
 */
export interface SmokeComment {
  id: number;
  body: string;
  author: string;
}

export interface SmokePull {
  number: number;
  head: string;
  state: string;
}

export interface SmokePort {
  /** The default branch's file, or null when it does not exist. */
  readFile(path: string): Promise<string | null>;
  openIssue(title: string, body: string): Promise<number>;
  /** A comment by the person the token belongs to. */
  comment(issue: number, body: string): Promise<SmokeComment>;
  comments(issue: number): Promise<SmokeComment[]>;
  /** Open and closed pull requests whose head is `branch` in this repository. */
  pullsFor(branch: string): Promise<SmokePull[]>;
  closePull(number: number): Promise<void>;
  deleteBranch(branch: string): Promise<void>;
  closeIssue(issue: number): Promise<void>;
}
