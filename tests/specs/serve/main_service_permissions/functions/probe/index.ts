import process from "node:process";
import dns from "node:dns/promises";

// Tries what a function may want to reach and reports, for each, what it got: a value, or
// the error's class and message (the other upstream's host:port shown as OTHER).
Deno.serve(async (req) => {
  const { allowed, other } = await req.json();
  const otherHost = new URL(other).host;
  const probes: Record<string, () => unknown> = {
    env_get: () => Deno.env.get("GREETING"),
    env_denied: () => Deno.env.get("SECRET"),
    env_object: () => Object.keys(Deno.env.toObject()).sort().join(","),
    process_env: () => process.env.SECRET,
    read: () => Deno.readTextFile("./data.txt"),
    read_denied: () => Deno.readTextFile("./private/secret.txt"),
    write_tmp: () => Deno.writeTextFile("/tmp/out.txt", "x").then(() => "written"),
    fetch_allowed: () => fetch(`${allowed}/ok`).then((r) => r.text()),
    fetch_other: () => fetch(`${other}/ok`).then((r) => r.text()),
    connect_other: async () => {
      const [hostname, port] = otherHost.split(":");
      (await Deno.connect({ hostname, port: Number(port) })).close();
      return "connected";
    },
    websocket_other: () => {
      new WebSocket(other.replace("http", "ws")).close();
      return "opened";
    },
    lookup: () => dns.lookup("example.org").then(() => "looked up", (e) => `${e.code}: ${e.message}`),
  };
  const results: Record<string, unknown> = {};
  for (const [name, probe] of Object.entries(probes)) {
    try {
      results[name] = await probe();
    } catch (e) {
      results[name] = `${e.constructor.name}: ${String(e.message).replaceAll(otherHost, "OTHER")}`;
    }
  }
  return Response.json(results);
});
