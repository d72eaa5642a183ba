import { grade, later, parse, total } from "./shapes.ts";

Deno.test("shapes", async () => {
  if (total([{ kind: "square", side: 2 }, { kind: "square", side: 3 }]) !== 13) {
    throw new Error("total");
  }
  if (grade(95) !== "A" || grade(50) !== "C") throw new Error("grade");
  if (parse("[1]") === null) throw new Error("parse");
  if ((await later(4)) !== 4) throw new Error("later");
});
