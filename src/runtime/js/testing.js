// Deno.test registration and a plain runner. `sbfn test` formats what run() returns;
// the registration API follows Deno's (name/fn, options object, ignore, only, steps).
const tests = [];

function normalise(a, b, c) {
  if (typeof a === "function") return { name: a.name, fn: a };
  if (typeof a === "string") {
    if (typeof b === "function") return { name: a, fn: b };
    if (b && typeof b === "object" && typeof c === "function") return { ...b, name: a, fn: c };
  }
  if (a && typeof a === "object") {
    if (typeof b === "function") return { ...a, fn: b, name: a.name ?? b.name };
    if (typeof a.fn === "function") return { ...a };
  }
  throw new TypeError("Invalid arguments passed to Deno.test: expected a test function");
}

export function test(a, b, c) {
  const definition = normalise(a, b, c);
  if (!definition.name) throw new TypeError("The test function must have a name");
  tests.push(definition);
}
test.ignore = (a, b, c) => test({ ...normalise(a, b, c), ignore: true });
test.only = (a, b, c) => test({ ...normalise(a, b, c), only: true });

class TestContext {
  constructor(name, parent) {
    this.name = name;
    this.parent = parent;
    this.steps = [];
  }
  async step(a, b) {
    const definition = typeof a === "function" ? { name: a.name, fn: a } : typeof a === "string" ? { name: a, fn: b } : a;
    const result = await runOne(definition, this);
    this.steps.push(result);
    return result.ok;
  }
}

async function runOne(definition, parent) {
  const started = performance.now();
  if (definition.ignore) return { name: definition.name, ok: true, ignored: true, ms: 0, steps: [] };
  const context = new TestContext(definition.name, parent);
  try {
    await definition.fn(context);
    const failedStep = context.steps.find((step) => !step.ok);
    return {
      name: definition.name,
      ok: failedStep === undefined,
      error: failedStep ? `${failedStep.name} failed` : undefined,
      ms: performance.now() - started,
      steps: context.steps,
    };
  } catch (error) {
    return {
      name: definition.name,
      ok: false,
      error: error instanceof Error ? error.stack : String(error),
      ms: performance.now() - started,
      steps: context.steps,
    };
  }
}

// Runs every registered test in order (only the `only` ones when any is marked).
export async function run() {
  const focused = tests.filter((t) => t.only);
  const chosen = focused.length > 0 ? focused : tests;
  const results = [];
  for (const definition of chosen) results.push(await runOne(definition, null));
  return results;
}
