import { z } from "npm:zod@3";

const Todo = z.object({
  id: z.number().int().positive(),
  title: z.string().min(1).max(20),
  done: z.boolean().default(false),
  tags: z.array(z.enum(["home", "work"])).optional(),
  due: z.string().datetime().optional(),
});

Deno.serve(async (req) => {
  const result = Todo.safeParse(await req.json());
  if (!result.success) {
    return Response.json(
      { ok: false, issues: result.error.issues, flat: result.error.flatten().fieldErrors },
      { status: 422 },
    );
  }
  return Response.json({ ok: true, data: result.data });
});
