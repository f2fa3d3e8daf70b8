import { describe, expect, it } from "vitest";
import {
  CANCEL_FILE,
  contextPath,
  DONE_FILE,
  ipcDir,
  ipcFileName,
  ipcPath,
  nextQuestionSeq,
  outputPath,
  parseIpcName,
  pendingQuestionSeq,
  planPath,
  questionsAdded,
  saveSubject,
  seqLabel,
  taskDir,
  temporaryName,
} from "../../src/core/ipc.js";

describe("paths", () => {
  it("follow the contract's layout", () => {
    expect(taskDir("security-review")).toBe(".dispatch/tasks/security-review");
    expect(planPath("a")).toBe(".dispatch/tasks/a/plan.md");
    expect(outputPath("a")).toBe(".dispatch/tasks/a/output.md");
    expect(contextPath("a")).toBe(".dispatch/tasks/a/context.md");
    expect(ipcDir("a")).toBe(".dispatch/tasks/a/ipc");
    expect(ipcPath("a", 1, "question")).toBe(".dispatch/tasks/a/ipc/001.question");
    expect(ipcPath("a", 12, "answer")).toBe(".dispatch/tasks/a/ipc/012.answer");
    expect(DONE_FILE).toBe(".done");
    expect(CANCEL_FILE).toBe(".cancel");
  });

  it("numbers have three digits, more only past 999", () => {
    expect(seqLabel(1)).toBe("001");
    expect(seqLabel(999)).toBe("999");
    expect(seqLabel(1000)).toBe("1000");
    expect(ipcFileName(7, "done")).toBe("007.done");
  });
});

describe("parseIpcName", () => {
  it("reads IPC names", () => {
    expect(parseIpcName("001.question")).toEqual({ seq: 1, kind: "question" });
    expect(parseIpcName("042.answer")).toEqual({ seq: 42, kind: "answer" });
    expect(parseIpcName("1000.done")).toEqual({ seq: 1000, kind: "done" });
  });

  it.each([".done", ".cancel", "1.question", "01.answer", "001.questions", "001.question.tmp", "abc.done", "", temporaryName("001.answer", "x1")])(
    "%j is not an IPC name",
    (name) => {
      expect(parseIpcName(name)).toBeNull();
    },
  );

  it("round-trips", () => {
    for (const kind of ["question", "answer", "done"] as const) {
      for (const seq of [1, 9, 10, 99, 100, 999, 1000]) expect(parseIpcName(ipcFileName(seq, kind))).toEqual({ seq, kind });
    }
  });
});

describe("question numbers", () => {
  it("the next question is one more than the questions so far", () => {
    expect(nextQuestionSeq([])).toBe(1);
    expect(nextQuestionSeq([".done", "001.answer", ".001.question.x.tmp"])).toBe(1);
    expect(nextQuestionSeq(["001.question", "001.answer", "001.done", "002.question"])).toBe(3);
    expect(nextQuestionSeq(new Set(["001.question"]))).toBe(2);
  });

  it("the pending question is the lowest without an answer", () => {
    expect(pendingQuestionSeq([])).toBeNull();
    expect(pendingQuestionSeq(["001.question", "001.answer"])).toBeNull();
    expect(pendingQuestionSeq(["003.question", "001.question", "002.question", "001.answer"])).toBe(2);
    expect(pendingQuestionSeq(["002.answer", "002.question", "010.question"])).toBe(10);
  });
});

describe("temporaryName", () => {
  it("is hidden, unique per writer, and never an IPC name", () => {
    expect(temporaryName("001.answer", "abc")).toBe(".001.answer.abc.tmp");
    expect(temporaryName("plan.md", "1")).not.toBe(temporaryName("plan.md", "2"));
    expect(parseIpcName(temporaryName("001.question", "1"))).toBeNull();
  });
});

describe("saveSubject", () => {
  const q = (seq: string) => `.dispatch/tasks/api/ipc/${seq}.question`;

  it("names a progress save for the questions it adds, lowest first", () => {
    expect(saveSubject({ task: "api", what: "progress", added: [] })).toBe("dispatch(api): progress");
    expect(saveSubject({ task: "api", what: "progress", added: ["src/a.ts", q("002"), q("001")] })).toBe("dispatch(api): question 001, 002");
  });

  it("keeps every other save's name, and counts only this task's questions", () => {
    expect(saveSubject({ task: "api", what: "done", added: [q("001")] })).toBe("dispatch(api): done");
    expect(saveSubject({ task: "api", what: "progress", added: [".dispatch/tasks/web/ipc/001.question"] })).toBe("dispatch(api): progress");
    expect(questionsAdded("api", [".dispatch/tasks/api/ipc/001.answer", ".dispatch/tasks/api/ipc/.001.question.x.tmp", "ipc/001.question"])).toEqual([]);
  });
});
