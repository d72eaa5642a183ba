// package.json dependencies without a node_modules folder of the function's own
// ("nodeModulesDir": "none"): each is an npm: requirement from the registry.
import { greet, version } from "cjs-demo";
import pkg from "cjs-demo/package.json" with { type: "json" };

Deno.serve(async () => {
  const local = await import("local-thing").then(() => "loaded", (e) => e.message.split("\n")[0]);
  return Response.json({ greeting: greet("pkg"), version, name: pkg.name, local });
});
