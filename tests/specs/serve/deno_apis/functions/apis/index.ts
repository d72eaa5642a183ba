// Deno.exit ends this worker only; Deno.env.set stays in the worker; subprocesses are
// refused.
Deno.serve((req) => {
  const url = new URL(req.url);
  const op = url.searchParams.get("op");
  if (op === "exit") {
    Deno.exit(3);
  }
  if (op === "set") {
    Deno.env.set("SET_BY_FUNCTION", url.searchParams.get("value") ?? "");
  }
  if (op === "command") {
    const results: Record<string, string> = {};
    const tries: Record<string, () => unknown> = {
      Command: () => new Deno.Command("ls").outputSync(),
      run: () => (Deno as any).run({ cmd: ["ls"] }),
      dlopen: () => Deno.dlopen("libc.so.6", {}),
      kill: () => Deno.kill(1, "SIGTERM"),
      addSignalListener: () => Deno.addSignalListener("SIGINT", () => {}),
    };
    for (const [name, fn] of Object.entries(tries)) {
      try {
        fn();
        results[name] = "allowed";
      } catch (e) {
        results[name] = `${(e as Error).name}: ${(e as Error).message}`;
      }
    }
    return Response.json(results);
  }
  return Response.json({ env: Deno.env.get("SET_BY_FUNCTION") ?? null, cwdIsFolder: Deno.cwd().endsWith("/apis") });
});
