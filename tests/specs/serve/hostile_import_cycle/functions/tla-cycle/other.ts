import "./index.ts"
export const other = true
