export const message = "shared message v1"
