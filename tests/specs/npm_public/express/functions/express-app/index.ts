import express from "npm:express@4.21.2";

// A function sees its path from /<slug> on, so the app's routes start there.
const app = express();
app.use(express.json());
const router = express.Router();

router.get("/users/:id", (req, res) => {
  res.json({ id: req.params.id, q: req.query.q ?? null });
});
router.post("/users", (req, res) => {
  res.status(201).json({ created: req.body.name, length: req.body.name.length });
});
router.get("/posts/:postId/comments/:commentId", (req, res) => {
  res.type("text").send(`post ${req.params.postId} comment ${req.params.commentId}`);
});
router.get("/stream", (_req, res) => {
  res.setHeader("content-type", "text/plain");
  let i = 0;
  const next = () => {
    if (i === 3) return res.end("done\n");
    res.write(`line ${i++}\n`);
    setTimeout(next, 5);
  };
  next();
});
router.get("/boom", () => {
  throw new Error("kaboom");
});
app.use("/express-app", router);
app.use((req, res) => {
  res.status(404).json({ error: "no route", path: req.path });
});
// deno-lint-ignore no-unused-vars
app.use((err, _req, res, _next) => {
  res.status(err.status ?? 500).json({ error: err.type ?? err.message });
});

app.listen(3000);
