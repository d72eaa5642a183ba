import { classify } from "./math.ts";
import { shout } from "./strings.js";

Deno.test("shout", () => {
  if (shout("hi") !== "HI!") throw new Error("shout");
  if (classify(0) !== "zero") throw new Error("0");
});
