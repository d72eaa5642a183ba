// The inspector test's function whose TypeScript only TypeScript's own compiler lowers (a
// namespace), so the generated JavaScript's lines are not the source's: a breakpoint on the
// line marked BREAK is found through the source map, as DevTools and VS Code find it.
namespace Config {
  export const factor = 3;
  export function describe(): string {
    return `factor ${factor}`;
  }
}

function scale(value: number): number {
  const scaled: number = value * Config.factor;
  return scaled; // BREAK
}

Deno.serve((req: Request): Response => {
  const value = Number(new URL(req.url).searchParams.get("v") ?? "1");
  return Response.json({ scaled: scale(value), about: Config.describe() });
});
