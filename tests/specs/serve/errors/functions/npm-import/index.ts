import express from "npm:express@4.18.2"

const app = express()
app.get("/npm-import", (_req, res) => res.send("express says hi"))

Deno.serve(() => new Response("unreachable"))
