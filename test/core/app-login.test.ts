import { describe, expect, it } from "vitest";
import { bareLogin, isAppLogin, trustsApp } from "../../src/core/app-login.js";

describe("the app's own login", () => {
  it("compares without case and without the [bot] suffix", () => {
    expect(bareLogin("Dispatch-Bot[bot]")).toBe("dispatch-bot");
    expect(isAppLogin("dispatch-bot", "Dispatch-Bot[bot]")).toBe(true);
    expect(isAppLogin("dispatch-bot[bot]", "dispatch-bot")).toBe(true);
    expect(trustsApp("github-actions[bot]")("github-actions[bot]")).toBe(true);
  });

  it("fails closed: another login, an unknown app, no author", () => {
    expect(isAppLogin("dispatch-bot", "dispatch-bot2[bot]")).toBe(false);
    expect(isAppLogin("dispatch-bot", "[bot]")).toBe(false);
    expect(isAppLogin(null, "dispatch-bot[bot]")).toBe(false);
    expect(isAppLogin("dispatch-bot", null)).toBe(false);
    expect(trustsApp(null)("anyone")).toBe(false);
  });
});
