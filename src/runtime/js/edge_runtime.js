// EdgeRuntime: Supabase's global for work that outlives a response.
import { ops } from "./web/ops.js";
import { PromisePrototypeThen, SafeSet, SetPrototypeAdd, SetPrototypeDelete, thenOf } from "./primordials.js";

const pending = new SafeSet();

export const EdgeRuntime = {
  // Keeps the worker alive until `promise` settles; its rejection is only logged.
  waitUntil(promise) {
    const tracked = thenOf(
      promise,
      () => {},
      (error) => console.error(error),
    );
    SetPrototypeAdd(pending, tracked);
    ops.set_background_tasks(pending.size);
    PromisePrototypeThen(tracked, () => {
      SetPrototypeDelete(pending, tracked);
      ops.set_background_tasks(pending.size);
    });
    return promise;
  },
};
