// jsr (a dependency, a yanked newer version skipped, a subpath export) and a redirected
// URL module with a relative import. Expected values come from real Deno on the same
// fixture registry.
import { dep, hello, helloVersion, url } from "jsr:@sbfn/hello@^1";
import { sub } from "jsr:@sbfn/hello@^1/sub";
import { real, url as realUrl } from "__REGISTRY__/remote/redirect.ts";

Deno.serve(() =>
  Response.json({
    hello: hello("y"),
    helloVersion,
    dep,
    url: url.replace("__REGISTRY__", ""),
    sub: sub(2),
    real,
    realUrl: realUrl.replace("__REGISTRY__", ""),
  })
);
