// Routing with URLPattern, in the style of Supabase's "restful-tasks" example (an
// in-memory store stands in for the database).
const taskPattern = new URLPattern({ pathname: "/restful-tasks/tasks/:id" })
const listPattern = new URLPattern({ pathname: "/restful-tasks/tasks" })

interface Task { id: string; name: string; status: string }
const tasks = new Map<string, Task>()
let nextId = 1

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } })
}

Deno.serve(async (req: Request) => {
  const list = listPattern.exec(req.url)
  const match = taskPattern.exec(req.url)
  const id = match?.pathname.groups.id
  if (list) {
    if (req.method === "GET") return json({ tasks: [...tasks.values()] })
    if (req.method === "POST") {
      const { task } = await req.json()
      const created = { id: String(nextId++), name: task.name, status: task.status ?? "todo" }
      tasks.set(created.id, created)
      return json({ task: created }, 201)
    }
  } else if (id) {
    const task = tasks.get(id)
    if (!task) return json({ error: `task ${id} not found` }, 404)
    if (req.method === "GET") return json({ task })
    if (req.method === "PUT") {
      const { task: changes } = await req.json()
      Object.assign(task, changes, { id })
      return json({ task })
    }
    if (req.method === "DELETE") {
      tasks.delete(id)
      return json({ deleted: id })
    }
  } else {
    return json({ error: "no route" }, 404)
  }
  return json({ error: `method ${req.method} not allowed` }, 405)
})
