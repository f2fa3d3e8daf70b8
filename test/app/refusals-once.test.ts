/**
 * Replies made before any claim are made once (issue 14): a refused comment (the author may not command, the
 * repository's dispatch.yml is invalid) and an answer refused by the app are handled again by a second instance
 * that remembers nothing (serverless, the Actions mode's convergence) or GitHub's "Redeliver": one reply, which
 * names the comment it answers, and no 👀 on a refused command.
 */
import { afterEach, describe, expect, it } from "vitest";
import { repliedComment } from "../../src/core/reply.js";
import { harness, type Harness } from "./harness.js";

let h: Harness;
afterEach(() => h.close());

/** The same comment handed to instance 0, then (same delivery id) to instance 1, which has not seen it. */
async function twice(body: string, options: { user?: string } = {}): Promise<number> {
  const id = await h.comment(body, { ...options, delivery: "same-delivery", to: [0] });
  await h.comment(body, { ...options, id, delivery: "same-delivery", to: [1] });
  return id;
}

describe("refusals made once", () => {
  it("a reader's /dispatch handled twice: one polite reply naming the comment, no 👀, nothing dispatched", async () => {
    h = await harness({ instances: 2 });
    const id = await twice("/dispatch write the onboarding guide", { user: "reader" });
    const replies = h.github.byApp();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatch(/^Sorry @reader, only people with \*\*write\*\* access/);
    expect(repliedComment(replies[0]!.body)).toBe(id);
    expect(h.github.reactions).toEqual([]);
    expect(h.github.dispatches).toEqual([]);
    expect(h.github.count("POST", /\/issues\/42\/comments$/)).toBe(1);
  });

  it("an invalid .github/dispatch.yml, the command handled twice: one reply", async () => {
    h = await harness({ instances: 2 });
    h.github.config = "max_parallel: [not a number\n";
    const id = await twice("/dispatch write the onboarding guide");
    const replies = h.github.byApp();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain("`.github/dispatch.yml` on the default branch is invalid, so nothing ran");
    expect(repliedComment(replies[0]!.body)).toBe(id);
    expect(h.github.dispatches).toEqual([]);
  });

  it("a quote reply of a question on a thread without a dispatch, handled twice: one reply", async () => {
    h = await harness({ instances: 2 });
    const id = await twice("> **Question 001 from `security-review`**\n> Count INFO lines?\n\nNo.");
    const replies = h.github.byApp();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain("There is no task `security-review` on this thread");
    expect(repliedComment(replies[0]!.body)).toBe(id);
  });

  it("a claimed command's reply is posted without a look first, and still names its comment", async () => {
    h = await harness({ instances: 2 });
    const id = await twice("/dispatch help");
    const replies = h.github.byApp();
    expect(replies).toHaveLength(1);
    expect(repliedComment(replies[0]!.body)).toBe(id);
    expect(h.github.reactions).toEqual([{ comment: id, content: "eyes" }]);
  });
});
