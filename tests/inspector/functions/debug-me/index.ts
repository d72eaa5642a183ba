// The inspector test's function (tests/inspector/inspector_test.mjs sets a breakpoint on
// the line marked BREAK and reads `count` there). Types and an interface make the
// transpiler's work visible; keep the marked line where the test looks for it.
interface Greeting {
  name: string;
  count: number;
}

function greet(name: string): Greeting {
  const count: number = name.length * 2;
  console.log("greeting", name);
  return { name, count }; // BREAK
}

Deno.serve((req: Request): Response => {
  const who: string = new URL(req.url).searchParams.get("name") ?? "world";
  return Response.json(greet(who));
});
