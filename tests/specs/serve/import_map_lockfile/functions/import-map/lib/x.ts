export const x: string = "x from lib";
