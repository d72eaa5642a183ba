// The module under test (TypeScript): one branch the tests never take, one function they
// never call. Types and comments take lines that run nothing.
export interface Options {
  strict: boolean;
}

export function classify(n: number, options?: Options): string {
  if (n < 0) {
    return "negative";
  }
  if (options?.strict && n === 0) {
    throw new Error("zero is not allowed"); // never taken
  }
  return n === 0 ? "zero" : "positive";
}

/** Never called by the tests. */
export function unused(a: number): number {
  const doubled = a * 2;
  return doubled + 1;
}

export const increment = (x: number): number => x + 1;
