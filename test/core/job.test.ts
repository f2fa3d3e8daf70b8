import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { jobName, parseJobName } from "../../src/core/job.js";

describe("job names", () => {
  it("round-trips #<issue> <task>", () => {
    expect(jobName(42, "api-tests")).toBe("#42 api-tests");
    expect(parseJobName(jobName(42, "api-tests"))).toEqual({ issue: 42, task: "api-tests" });
  });

  it("reads the job of a reusable workflow, named after its caller", () => {
    expect(parseJobName("caller / #42 api-tests")).toEqual({ issue: 42, task: "api-tests" });
    expect(parseJobName("outer / inner / #7 security-review")).toEqual({ issue: 7, task: "security-review" });
  });

  it("refuses other job names", () => {
    for (const name of ["linters", "#42", "#0 task", "#42 Bad_Id", "#42 a b", "42 api-tests", "#42 api--tests", ""]) {
      expect(parseJobName(name)).toBeNull();
    }
  });

  it("never throws", () => {
    fc.assert(fc.property(fc.string(), (name) => {
      const parsed = parseJobName(name);
      if (parsed) expect(parseJobName(jobName(parsed.issue, parsed.task))).toEqual(parsed);
    }));
  });
});
