import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { patient, SECONDARY_RETRY } from "../../src/app/github/client.js";

afterEach(() => nock.cleanAll());

function client(): { octokit: InstanceType<typeof ProbotOctokit>; waits: number[] } {
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const octokit = new ProbotOctokit({ auth: { token: "t" }, log: quiet, throttle: { enabled: false }, retry: { enabled: false } });
  const waits: number[] = [];
  patient(octokit, async (ms) => void waits.push(ms));
  return { octokit, waits };
}

const limited = { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." };

describe("secondary rate limit", () => {
  it("waits the whole retry-after GitHub asks for, however long", async () => {
    nock.disableNetConnect();
    const api = nock("https://api.github.com")
      .get("/app").reply(403, limited, { "retry-after": "600" })
      .get("/app").reply(429, limited, { "retry-after": "3600" })
      .get("/app").reply(200, { slug: "dispatch" });
    const { octokit, waits } = client();
    const { data } = await octokit.request("GET /app");
    expect(data?.slug).toBe("dispatch");
    expect(waits).toEqual([600_000, 3_600_000]);
    expect(api.isDone()).toBe(true);
  });

  it("waits a minute when GitHub gives no retry-after, and gives up after a few retries", async () => {
    nock.disableNetConnect();
    nock("https://api.github.com").get("/app").times(SECONDARY_RETRY.retries + 1).reply(403, limited);
    const { octokit, waits } = client();
    await expect(octokit.request("GET /app")).rejects.toMatchObject({ status: 403 });
    expect(waits).toEqual(Array(SECONDARY_RETRY.retries).fill(SECONDARY_RETRY.fallbackSeconds * 1000));
  });

  it("does not retry other 403s", async () => {
    nock.disableNetConnect();
    nock("https://api.github.com").get("/app").reply(403, { message: "Resource not accessible by integration" });
    const { octokit, waits } = client();
    await expect(octokit.request("GET /app")).rejects.toMatchObject({ status: 403 });
    expect(waits).toEqual([]);
  });
});
