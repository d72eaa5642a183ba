// Classes, loops, switch, else-if chains, try/catch, nested and async functions: the
// constructs whose ranges the line counts must map the way Deno maps them.
type Shape = { kind: "circle"; r: number } | { kind: "square"; side: number };

export class Area {
  #count = 0;

  of(shape: Shape): number {
    this.#count++;
    switch (shape.kind) {
      case "circle":
        return Math.PI * shape.r ** 2;
      case "square":
        return shape.side * shape.side;
      default:
        throw new Error("unknown shape");
    }
  }

  get count(): number {
    return this.#count;
  }

  reset(): void {
    this.#count = 0;
  }
}

export function total(shapes: Shape[]): number {
  const area = new Area();
  let sum = 0;
  for (const shape of shapes) {
    sum += area.of(shape);
  }
  return sum;
}

export function grade(score: number): string {
  if (score >= 90) {
    return "A";
  } else if (score >= 80) {
    return "B";
  } else {
    return "C";
  }
}

export function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function later<T>(value: T): Promise<T> {
  await Promise.resolve();
  const wrap = (v: T) => {
    return v;
  };
  return wrap(value);
}
