// Bare specifiers mapped by the function's deno.json (a jsr package and its subpath
// through Deno's "key/" extension, npm packages, a local folder prefix).
import { hello } from "hello";
import { sub } from "hello/sub";
import { greet } from "cjs-demo";
import esm from "esm";
import { extra } from "esm/extra";
import { x } from "lib/x.ts";

Deno.serve(() => Response.json({ hello: hello("m"), sub: sub(5), greet: greet("q"), esm, extra, x }));
