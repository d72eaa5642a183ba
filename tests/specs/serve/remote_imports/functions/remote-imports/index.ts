// npm (CommonJS with a dependency, ESM with export conditions), jsr (with a dependency,
// a yanked newer version) and a redirected URL module. Expected values come from
// running this file under real Deno against the same fixture registry.
import { file, greet, isEmitter, version } from "npm:cjs-demo@1";
import cjsDefault from "npm:cjs-demo@1";
import esm, { kind } from "npm:esm-demo@^2";
import { extra } from "npm:esm-demo@^2/extra";
import { dep, hello, helloVersion, url } from "jsr:@sbfn/hello@^1";
import { sub } from "jsr:@sbfn/hello@^1/sub";
import { real, url as realUrl } from "__REGISTRY__/remote/redirect.ts";

Deno.serve(() =>
  Response.json({
    greet: greet("x"),
    version,
    isEmitter,
    file,
    defaultKeys: Object.keys(cjsDefault).sort(),
    esm,
    kind,
    extra,
    hello: hello("y"),
    helloVersion,
    dep,
    url: url.replace("__REGISTRY__", ""),
    sub: sub(2),
    real,
    realUrl: realUrl.replace("__REGISTRY__", ""),
  })
);
