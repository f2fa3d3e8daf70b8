import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { markReply, repliedComment, replyMarker } from "../../src/core/reply.js";

describe("the reply marker", () => {
  it("names the command comment on the reply's last line", () => {
    const body = markReply("Sorry @outsider, no.\n", 1234);
    expect(body).toBe(`Sorry @outsider, no.\n\n${replyMarker(1234)}`);
    expect(repliedComment(body)).toBe(1234);
  });

  it("is found only at the end of a body: a quoted or mid-text marker names nothing", () => {
    expect(repliedComment(`${replyMarker(7)}\nthen more text`)).toBeNull();
    expect(repliedComment("no marker at all")).toBeNull();
    expect(repliedComment("<!-- dispatch:reply comment=0 -->")).toBeNull();
    expect(repliedComment("<!-- dispatch:reply comment=99999999999999999999 -->")).toBeNull();
  });

  it("reads back the comment of any text and id", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (text, id) => {
        expect(repliedComment(markReply(text, id))).toBe(id);
      }),
    );
  });
});
