// EdgeRuntime: Supabase's global for work that outlives a response.
const pending = new Set();

export const EdgeRuntime = {
  // Keeps the worker alive until `promise` settles; its rejection is only logged.
  waitUntil(promise) {
    const tracked = Promise.resolve(promise).catch((error) => console.error(error));
    pending.add(tracked);
    tracked.finally(() => pending.delete(tracked));
    return promise;
  },
  get pendingTasks() {
    return pending.size;
  },
};
