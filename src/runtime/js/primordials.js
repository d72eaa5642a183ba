// Built-ins captured while the snapshot is made, before any function's code runs. The
// code that answers requests (dispatch, timers, WebSocket events, waitUntil) calls
// these instead of looking methods up on shared prototypes, so a function that patches
// Map.prototype.get or Promise.prototype.then, or replaces globalThis.Promise, breaks
// only its own code, never how its requests are answered. Deno calls the idea
// "primordials"; we capture just what that path uses.

// uncurryThis(Map.prototype.get)(map, key) is map.get(key) with the original method.
const uncurryThis = Function.prototype.bind.bind(Function.prototype.call);

export const SafePromise = Promise;
export const PromiseResolve = Promise.resolve.bind(Promise);
export const PromisePrototypeThen = uncurryThis(Promise.prototype.then);
export const PromisePrototypeCatch = uncurryThis(Promise.prototype.catch);

export const SafeMap = Map;
export const MapPrototypeGet = uncurryThis(Map.prototype.get);
export const MapPrototypeSet = uncurryThis(Map.prototype.set);
export const MapPrototypeDelete = uncurryThis(Map.prototype.delete);
export const SafeSet = Set;
export const SetPrototypeAdd = uncurryThis(Set.prototype.add);
export const SetPrototypeDelete = uncurryThis(Set.prototype.delete);
export const SafeWeakMap = WeakMap;
export const WeakMapPrototypeGet = uncurryThis(WeakMap.prototype.get);
export const WeakMapPrototypeSet = uncurryThis(WeakMap.prototype.set);
export const WeakMapPrototypeDelete = uncurryThis(WeakMap.prototype.delete);

export const ArrayPrototypePush = uncurryThis(Array.prototype.push);
export const ReflectApply = Reflect.apply;
export const SafeTypeError = TypeError;
export const SafeError = Error;

// `value.then(...)` as `await` would do it: a thenable's own `then` is called (that is
// its contract), a native promise's through the original Promise.prototype.then.
export function thenOf(value, onFulfilled, onRejected) {
  return PromisePrototypeThen(PromiseResolve(value), onFulfilled, onRejected);
}
