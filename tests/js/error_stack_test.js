// Error.prepareStackTrace: a program's own hook gets V8's call sites (depd, which express
// uses, reads the caller's file and line through it), and the stack goes back to the
// runtime's format once it is removed.
import { assert, assertEquals } from "./assert.js";

function here() {
  const holder = {};
  Error.captureStackTrace(holder, here);
  return holder.stack;
}

Deno.test("Error.prepareStackTrace: the program's hook gets the call sites", () => {
  const before = Error.prepareStackTrace;
  Error.prepareStackTrace = (_error, sites) => sites;
  let sites;
  try {
    sites = here();
  } finally {
    Error.prepareStackTrace = before;
  }
  assert(Array.isArray(sites), "the hook's value is the stack");
  assertEquals(typeof sites[0].getFileName(), "string");
  assert(sites[0].getFileName().endsWith("error_stack_test.js"), sites[0].getFileName());
  assertEquals(typeof sites[0].getLineNumber(), "number");
  const formatted = here();
  assertEquals(typeof formatted, "string");
  assert(formatted.includes("error_stack_test.js"), formatted);
});
