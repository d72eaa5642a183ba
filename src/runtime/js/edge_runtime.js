// EdgeRuntime: Supabase's global for work that outlives a response.
import { ops } from "./web/ops.js";

const pending = new Set();

export const EdgeRuntime = {
  // Keeps the worker alive until `promise` settles; its rejection is only logged.
  waitUntil(promise) {
    const tracked = Promise.resolve(promise).then(
      () => {},
      (error) => console.error(error),
    );
    pending.add(tracked);
    ops.set_background_tasks(pending.size);
    tracked.then(() => {
      pending.delete(tracked);
      ops.set_background_tasks(pending.size);
    });
    return promise;
  },
};
