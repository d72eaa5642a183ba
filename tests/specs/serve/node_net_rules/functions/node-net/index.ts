// node:net and node:tls under the runtime's outbound rules: SMTP ports refused before any
// connection is tried (as Deno.connect), no servers in a function.
import net from "node:net";
import tls from "node:tls";

// The error a socket reports, as { code, message }.
function failure(socket: net.Socket): Promise<{ code: string; message: string }> {
  return new Promise((resolve) => {
    socket.once("error", (error: Error & { code: string }) => resolve({ code: error.code, message: error.message }));
    socket.once("connect", () => {
      socket.destroy();
      resolve({ code: "connected", message: "" });
    });
  });
}

function thrown(fn: () => unknown) {
  try {
    fn();
    return { code: "none" };
  } catch (error) {
    const e = error as Error & { code: string };
    return { code: e.code, message: e.message };
  }
}

Deno.serve(async () => {
  return Response.json({
    smtp25: await failure(net.connect(25, "127.0.0.1")),
    smtp587: await failure(net.connect({ port: 587, host: "127.0.0.1" })),
    tls587: await failure(tls.connect({ port: 587, host: "127.0.0.1" })),
    createServer: thrown(() => net.createServer()),
    server: thrown(() => new net.Server()),
    tlsServer: thrown(() => tls.createServer()),
    unixSocket: thrown(() => net.connect("/tmp/some.sock")),
  });
});
