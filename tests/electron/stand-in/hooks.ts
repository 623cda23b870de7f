// Module hooks that hand electron/main.ts the stand-in for `electron` (tests/electron/main.test.ts).
const standIn = new URL('./electron.js', import.meta.url).href;

export async function resolve(specifier: string, context: unknown, next: (s: string, c: unknown) => Promise<unknown>) {
  return specifier === 'electron' ? { url: standIn, shortCircuit: true } : next(specifier, context);
}
