// `sbfn test --inspect-brk`'s case in tests/inspector/inspector_test.mjs: a breakpoint on
// the line marked BREAK is hit while the test runs.
function double(value: number): number {
  const doubled: number = value * 2;
  return doubled; // BREAK
}

Deno.test("doubles under a debugger", () => {
  if (double(21) !== 42) {
    throw new Error("double(21) is not 42");
  }
});
