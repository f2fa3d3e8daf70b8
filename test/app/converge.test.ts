/**
 * Which comments the Actions mode's convergence (src/actions-app/converge.ts) hands the app before a run's own event:
 * unhandled command comments of the last hour, older than the event's, by people, unedited, oldest first.
 */
import { describe, expect, it } from "vitest";
import { commandCandidates, CONVERGE_MINUTES, eventMoment, type RestComment } from "../../src/actions-app/converge.js";
import { markReply } from "../../src/core/reply.js";

const NOW = new Date("2026-11-29T12:00:00Z");
const at = (minutesAgo: number, seconds = 0) => new Date(NOW.getTime() - minutesAgo * 60_000 + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
let next = 100;
function comment(body: string, options: Partial<RestComment> & { ago?: number } = {}): RestComment {
  const created = options.created_at ?? at(options.ago ?? 5);
  return { id: next++, body, user: { login: "maintainer", type: "User" }, created_at: created, updated_at: created, reactions: { eyes: 0, "+1": 0 }, ...options };
}
const own = (login: string | null) => login === "github-actions[bot]";
const ids = (found: ReturnType<typeof commandCandidates>) => found.map((f) => f.comment.id);

describe("the comments convergence hands the app", () => {
  it("takes the unhandled commands before the event's comment, oldest first, and quote replies of questions", () => {
    const first = comment("/dispatch write the faq", { ago: 3 });
    const answer = comment("> **Question 001 from `faq`**\n> Which tone?\n\nFriendly.", { ago: 2 });
    const plain = comment("Thanks, looks good", { ago: 2 });
    const second = comment("/dispatch status", { ago: 1 });
    const event = comment("/dispatch help", { ago: 0 });
    const later = comment("/dispatch cancel faq", { created_at: at(0, 5) });
    const found = commandCandidates([second, plain, event, answer, later, first], { event, now: NOW, own });
    expect(ids(found)).toEqual([first.id, answer.id, second.id]);
    expect(found.every((f) => f.certain)).toBe(true);
  });

  it("orders comments of the same second by id, and leaves out those of the same second after the event's", () => {
    const event = comment("/dispatch help", { created_at: at(1) });
    const sameBefore = { ...comment("/dispatch status", { created_at: at(1) }), id: event.id - 1 };
    const sameAfter = comment("/dispatch status", { created_at: at(1) });
    expect(ids(commandCandidates([sameAfter, event, sameBefore], { event, now: NOW, own }))).toEqual([sameBefore.id]);
  });

  it("leaves out comments older than the window, by bots, by deleted accounts, or edited since they were posted", () => {
    const event = comment("/dispatch help", { ago: 0 });
    const old = comment("/dispatch status", { ago: CONVERGE_MINUTES + 1 });
    const bot = comment("/dispatch bump deps", { user: { login: "renovate[bot]", type: "Bot" } });
    const botType = comment("/dispatch bump deps", { user: { login: "helper", type: "Bot" } });
    const ghost = comment("/dispatch status", { user: null });
    const edited = comment("/dispatch write the faq", { created_at: at(5), updated_at: at(4) });
    const inside = comment("/dispatch status", { ago: CONVERGE_MINUTES - 1 });
    expect(ids(commandCandidates([old, bot, botType, ghost, edited, inside, event], { event, now: NOW, own }))).toEqual([inside.id]);
  });

  it("a comment the app replied to (a refusal, by its marker) is handled; another author's marker proves nothing", () => {
    const event = comment("/dispatch help", { ago: 0 });
    const refused = comment("/dispatch write the faq", { ago: 4, user: { login: "outsider", type: "User" } });
    const forged = comment("/dispatch status", { ago: 4 });
    const reply = comment(markReply("Sorry @outsider, …", refused.id), { ago: 3, user: { login: "github-actions[bot]", type: "Bot" } });
    const fake = comment(markReply("not the app", forged.id), { ago: 3, user: { login: "someone", type: "User" } });
    expect(ids(commandCandidates([refused, forged, reply, fake, event], { event, now: NOW, own }))).toEqual([forged.id]);
  });

  it("is certain there is no claim only when the rollup shows no 👀 and no 👍 at all", () => {
    const event = comment("/dispatch help", { ago: 0 });
    const none = comment("/dispatch status", { ago: 4 });
    const eyes = comment("/dispatch status", { ago: 3, reactions: { eyes: 1, "+1": 0 } });
    const thumbs = comment("/dispatch status", { ago: 2, reactions: { eyes: 0, "+1": 2 } });
    const unknown = comment("/dispatch status", { ago: 1, reactions: undefined });
    const found = commandCandidates([none, eyes, thumbs, unknown, event], { event, now: NOW, own });
    expect(found.map((f) => [f.comment.id, f.certain])).toEqual([[none.id, true], [eyes.id, false], [thumbs.id, false], [unknown.id, false]]);
  });

  it("an edit's run stands at the edit: the commands posted between the edited comment and its edit come first", () => {
    const edited = comment("/dispatch write the faq", { created_at: at(10), updated_at: at(1) });
    const between = comment("/dispatch status", { ago: 5 });
    const event = eventMoment("edited", edited);
    expect(event).toEqual({ id: edited.id, created_at: edited.updated_at });
    expect(eventMoment("created", edited)).toEqual({ id: edited.id, created_at: edited.created_at });
    expect(ids(commandCandidates([edited, between], { event, now: NOW, own }))).toEqual([between.id]);
    expect(ids(commandCandidates([edited, between], { event: eventMoment("created", edited), now: NOW, own }))).toEqual([]);
  });
});
