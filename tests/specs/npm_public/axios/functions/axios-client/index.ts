import axios from "npm:axios@1.7.9";

// axios's Node adapter (node:http and node:https through follow-redirects, node:zlib for
// compressed answers) against the case's upstream API.
const api = axios.create({ baseURL: "__UPSTREAM_api__", adapter: "http" });

Deno.serve(async (req) => {
  const path = new URL(req.url).pathname;
  if (path === "/axios-client/post") {
    const r = await api.post("/v1/items", { name: "Ada" }, {
      params: { limit: 2 },
      headers: { "x-api-key": "k-123" },
    });
    return Response.json({ status: r.status, header: r.headers["x-upstream"], body: r.data });
  }
  if (path === "/axios-client/redirect") {
    const r = await api.get("/v1/old");
    return Response.json({ status: r.status, body: r.data, redirects: r.request._redirectable?._redirectCount ?? null });
  }
  if (path === "/axios-client/gzip") {
    const r = await api.get("/v1/zipped");
    return Response.json({ status: r.status, body: r.data });
  }
  if (path === "/axios-client/missing") {
    try {
      await api.get("/v1/nowhere");
      return Response.json({ unexpected: true });
    } catch (error) {
      return Response.json({ status: error.response?.status, code: error.code, body: error.response?.data });
    }
  }
  return new Response("no such route", { status: 404 });
});
