// A browser page for component tests: happy-dom's window as the globals
// React and testing-library expect, and a bridge (window.casevault, the
// transport the desktop app's preload provides) answering with typed
// ApiResponse values, and carrying the engine events a test sends. Import
// this before React.
import { Window } from 'happy-dom';
import { Failure, type ApiMethod, type ApiResponse, type ApiResult, type EngineEvents, type ErrorKind, type NextStep } from '../../contract/index.js';

const page = new Window({ url: 'http://127.0.0.1/' });
for (const key of Object.getOwnPropertyNames(page)) {
  if (key in globalThis) continue;
  Object.defineProperty(globalThis, key, { value: (page as unknown as Record<string, unknown>)[key], configurable: true, writable: true });
}
for (const key of ['window', 'document', 'navigator', 'Event', 'KeyboardEvent', 'MouseEvent', 'EventTarget', 'CustomEvent', 'Blob', 'URL']) {
  Object.defineProperty(globalThis, key, {
    value: key === 'window' ? page : (page as unknown as Record<string, unknown>)[key],
    configurable: true,
    writable: true,
  });
}
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** An engine error, as the transport carries it. */
export const failure = (kind: ErrorKind, message: string, next?: NextStep) => new Failure(kind, message, next);

type Answer = { [M in ApiMethod]?: (params: Record<string, unknown>) => ApiResult<M> | Failure | Promise<ApiResult<M> | Failure> };

/** What the fake transport was asked, in order. */
export const calls: { method: string; params: Record<string, unknown> }[] = [];

const listeners = new Set<(type: string, event: unknown) => void>();

/** An engine event, to whatever the page listens with (wrap in act()). */
export function emit<K extends keyof EngineEvents>(type: K, event: EngineEvents[K]): void {
  for (const l of listeners) l(type, event);
}

/** Answer API calls from `answers`; a method without one answers UsageError, as the engine does for an unknown method. */
export function bridge(answers: Answer): void {
  calls.length = 0;
  (window as unknown as { casevault: unknown }).casevault = {
    async call(method: string, params: Record<string, unknown>): Promise<ApiResponse> {
      calls.push({ method, params });
      const f = answers[method as ApiMethod] as ((p: Record<string, unknown>) => unknown) | undefined;
      if (!f) return { ok: false, error: { kind: 'usage', message: 'unknown method' } };
      const v = await f(params);
      return v instanceof Failure ? { ok: false, error: v.toJSON() } : { ok: true, value: v };
    },
    on(listener: (type: string, event: unknown) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
