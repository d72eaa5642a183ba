// Run with `sbfn test` (or `deno test --allow-all`). The test starts a stand-in for
// OpenAI's chat completions endpoint on 127.0.0.1 and points OPENAI_BASE_URL at it.
import { assertEquals } from "jsr:@std/assert@1";
import handler from "../__name__/index.ts";

const API_KEY = "sk-test";
const PIECES = ["Hello", " there", "!"];

function sse(data: unknown): string {
  return `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

// Answers like OpenAI: one `chat.completion.chunk` event per piece, a short pause between
// them (so the answer really streams), then `data: [DONE]`. A wrong key gets a 401.
function startFakeOpenAI(requests: Record<string, unknown>[]) {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (new URL(req.url).pathname !== "/v1/chat/completions") {
      return new Response("not found", { status: 404 });
    }
    if (req.headers.get("Authorization") !== `Bearer ${API_KEY}`) {
      return Response.json({ error: { message: "Incorrect API key provided" } }, {
        status: 401,
      });
    }
    requests.push(await req.json());
    const encoder = new TextEncoder();
    const body = new ReadableStream({
      async start(controller) {
        for (const piece of PIECES) {
          controller.enqueue(encoder.encode(sse({
            object: "chat.completion.chunk",
            choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
          })));
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        controller.enqueue(encoder.encode(sse("[DONE]")));
        controller.close();
      },
    });
    return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
  });
}

// The text of the answer: the delta contents of every event before [DONE].
async function readAnswer(response: Response): Promise<string> {
  const text = await response.text();
  let answer = "";
  for (const event of text.split("\n\n")) {
    const data = event.replace(/^data: /, "");
    if (data === "" || data === "[DONE]") continue;
    answer += JSON.parse(data).choices[0].delta.content ?? "";
  }
  return answer;
}

async function withFakeOpenAI(
  apiKey: string,
  run: (requests: Record<string, unknown>[]) => Promise<void>,
) {
  const requests: Record<string, unknown>[] = [];
  const server = startFakeOpenAI(requests);
  Deno.env.set("OPENAI_BASE_URL", `http://127.0.0.1:${server.addr.port}/v1`);
  Deno.env.set("OPENAI_API_KEY", apiKey);
  try {
    await run(requests);
  } finally {
    await server.shutdown();
  }
}

function ask(prompt: string): Request {
  return new Request("http://localhost/__name__", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ prompt }),
  });
}

Deno.test("__name__ streams the upstream answer through", async () => {
  await withFakeOpenAI(API_KEY, async (requests) => {
    const response = await handler.fetch(ask("Say hello"));
    assertEquals(response.status, 200);
    assertEquals(response.headers.get("Content-Type"), "text/event-stream");
    assertEquals(await readAnswer(response), "Hello there!");
    assertEquals(requests.length, 1);
    assertEquals(requests[0].stream, true);
    assertEquals(requests[0].messages, [{ role: "user", content: "Say hello" }]);
  });
});

Deno.test("__name__ reports an upstream error as 502", async () => {
  await withFakeOpenAI("sk-wrong", async () => {
    const response = await handler.fetch(ask("Say hello"));
    assertEquals(response.status, 502);
    const body = await response.json();
    assertEquals(body.error, "OpenAI answered 401");
  });
});

Deno.test("__name__ reports an unreachable upstream as 502", async () => {
  // A port that was just free: nothing listens there any more.
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Response());
  const port = server.addr.port;
  await server.shutdown();
  Deno.env.set("OPENAI_BASE_URL", `http://127.0.0.1:${port}/v1`);
  Deno.env.set("OPENAI_API_KEY", API_KEY);
  const response = await handler.fetch(ask("Say hello"));
  assertEquals(response.status, 502);
  const body = await response.json();
  assertEquals(body.error.startsWith("Could not reach OpenAI: "), true, body.error);
});

Deno.test("__name__ wants a prompt", async () => {
  await withFakeOpenAI(API_KEY, async (requests) => {
    const response = await handler.fetch(ask(""));
    assertEquals(response.status, 400);
    await response.body?.cancel();
    assertEquals(requests.length, 0);
  });
});
