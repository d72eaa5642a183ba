import { classify, increment } from "./math.ts";

Deno.test("classify negatives and positives", () => {
  if (classify(-1) !== "negative") throw new Error("-1");
  if (classify(3) !== "positive") throw new Error("3");
  if (increment(1) !== 2) throw new Error("increment");
});
