// What the boot hook learns about the worker that node: built-ins report (process.argv).
export const workerInfo = { mainModule: "" };
