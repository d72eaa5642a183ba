import { spy, stub, assertSpyCalls, assertSpyCall, returnsNext } from "jsr:@std/testing@^1.0.0/mock";
import { FakeTime } from "jsr:@std/testing@^1.0.0/time";
import { assertEquals } from "jsr:@std/assert@^1.0.0";
Deno.test("spy and stub", () => {
  const obj = { greet: (n: string) => `hi ${n}` };
  const s = spy(obj, "greet");
  obj.greet("a");
  assertSpyCalls(s, 1);
  assertSpyCall(s, 0, { args: ["a"], returned: "hi a" });
  s.restore();
  const st = stub(obj, "greet", returnsNext(["x", "y"]));
  assertEquals(obj.greet("q"), "x");
  assertEquals(obj.greet("q"), "y");
  st.restore();
  assertEquals(obj.greet("b"), "hi b");
});
Deno.test("fake time", () => {
  const time = new FakeTime();
  try {
    let fired = 0;
    setTimeout(() => fired++, 1000);
    time.tick(999);
    assertEquals(fired, 0);
    time.tick(1);
    assertEquals(fired, 1);
  } finally {
    time.restore();
  }
});
Deno.test("spy calls fail", () => {
  const f = spy();
  f();
  assertSpyCalls(f, 2);
});
