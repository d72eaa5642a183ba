// A top level that burns past the soft CPU limit (but not the hard one), even on a busy machine before serving.
console.log("toplevel-burn: top level ran");
const until = Date.now() + 1000;
while (Date.now() < until) {
  // burn
}
let served = 0;
Deno.serve(() => Response.json({ served: ++served }));
