// What an editor offers a user: the members of Task, Loop, Event and Queue as
// the emitted declarations show them (internals are stripped from dist/*.d.ts),
// compared with SPEC §2, §3 and §4. Read with the TypeScript compiler API, as
// an editor's language service does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";

const root = resolve(import.meta.dirname, "../..");

function members(): Record<string, string[]> {
  const dir = mkdtempSync(join(root, "test/package/.probe-"));
  try {
    const file = join(dir, "probe.ts");
    writeFileSync(
      file,
      `import { Task, Loop, Event, Queue } from "taskloop";
declare const task: Task<number>; declare const loop: Loop; declare const event: Event; declare const queue: Queue<number>;
export { task, loop, event, queue };
`,
    );
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      types: [],
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const out: Record<string, string[]> = {};
    for (const stmt of program.getSourceFile(file)!.statements) {
      if (!ts.isVariableStatement(stmt)) continue;
      for (const d of stmt.declarationList.declarations) {
        out[d.name.getText()] = checker
          .getPropertiesOfType(checker.getTypeAtLocation(d.name))
          .filter((p) => {
            const decl = p.valueDeclaration ?? p.declarations?.[0];
            const flags = decl ? ts.getCombinedModifierFlags(decl) : 0;
            return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0 && !p.name.startsWith("__@");
          })
          .map((p) => p.name)
          .sort();
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const offered = members();

test("completion on a Task offers SPEC §2's members, and toString", () => {
  assert.deepEqual(offered["task"], [
    "addDoneCallback",
    "cancel",
    "cancelled",
    "done",
    "exception",
    "id",
    "name",
    "removeDoneCallback",
    "result",
    "signal",
    "stop",
    "then",
    "toString",
  ]);
});

test("completion on a Loop offers SPEC §3's members, plus id, isRunning and blockFor", () => {
  assert.deepEqual(offered["loop"], [
    "blockFor",
    "callExceptionHandler",
    "close",
    "createTask",
    "defaultExceptionHandler",
    "getExceptionHandler",
    "id",
    "isRunning",
    "runForever",
    "runUntilComplete",
    "setExceptionHandler",
    "stop",
    "tasks",
    "time",
  ]);
});

test("completion on an Event offers exactly SPEC §4's members", () => {
  assert.deepEqual(offered["event"], ["clear", "isSet", "set", "wait"]);
});

test("completion on a Queue offers exactly SPEC §4's members", () => {
  assert.deepEqual(offered["queue"], ["empty", "full", "get", "getNowait", "join", "maxsize", "put", "putNowait", "qsize", "taskDone"]);
});
