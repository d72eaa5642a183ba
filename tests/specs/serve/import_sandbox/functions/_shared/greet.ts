export const greeting = "hello from _shared";
