// CommonJS-only packages (no "module", no "exports", no "type": "module"): their
// module.exports is the default export, and names assigned to `exports.x` are named
// exports (found statically, as Node and Deno find them).
import cookie, { parse, serialize } from "npm:cookie@0.6";
import ms from "npm:ms@2";
import qs, { stringify } from "npm:qs@6";

Deno.serve((req) => {
  const jar = parse(req.headers.get("cookie") ?? "");
  const session = serialize("session", "a b;c", { httpOnly: true, maxAge: ms("2h") / 1000, path: "/", sameSite: "lax" });
  return Response.json(
    {
      cookies: jar,
      sameFunction: cookie.parse === parse && cookie.serialize === serialize,
      defaultKeys: Object.keys(cookie).sort(),
      ms: { day: ms("1d"), short: ms(90000), long: ms(90000, { long: true }), parsed: ms("2.5 hrs"), bad: ms("soon") ?? null },
      query: qs.parse(new URL(req.url).search.slice(1)),
      encoded: stringify({ filter: { tags: ["a", "b"], done: false } }, { encodeValuesOnly: true }),
    },
    { headers: { "set-cookie": session } },
  );
});
