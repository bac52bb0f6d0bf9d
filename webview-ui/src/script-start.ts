/** performance.now() when the bundle began to run: imported first by main.ts, so it runs first. */
export const scriptStart = performance.now();
