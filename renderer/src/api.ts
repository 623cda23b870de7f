import {
  EVENT_TYPES,
  type AddFileChoice,
  type AddFileReport,
  type ApiMethod,
  type ApiParams,
  type ApiResponse,
  type ApiResult,
  type EngineEvents,
  type ErrorKind,
  type FailureInfo,
  type NextStep,
} from '../../contract/index.js';
// The renderer's only way to the engine: the typed API contract, over
// whichever transport the shell provides (browser mode: HTTP + server-sent
// events; the desktop app: the preload's bridge, same shape).

/** A failure the engine reported: its kind, its sentence and the next step the app offers for it. */
export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly next: NextStep | undefined;
  constructor(f: FailureInfo) {
    super(f.message);
    this.kind = f.kind;
    this.next = f.next;
  }
}

interface Bridge {
  call(method: string, params: unknown): Promise<ApiResponse>;
  on(listener: (type: string, event: unknown) => void): () => void;
  /** The desktop app only: show the vault folder in the file manager. */
  openVaultFolder?(): Promise<ApiResponse>;
  /** The desktop app only: show the folder of the last restore (the one file's folder, or the folder restored into). */
  openRestoredFolder?(): Promise<ApiResponse>;
  /** The desktop app only: what its shell does that the page should say. */
  desktop?(): Promise<DesktopShell | undefined>;
}

/** The desktop shell's behaviour on this computer (electron/main.ts). */
export interface DesktopShell {
  /** No tray icon can be seen here (GNOME without AppIndicator), so closing the window quits. */
  closeQuits: boolean;
}

declare global {
  interface Window {
    casevault?: Bridge;
  }
}

// One event stream for the whole page, however many parts listen: a browser
// opens at most six connections to one address, and a stream each would
// leave none for the calls.
type Listener = Parameters<Bridge['on']>[0];
const listeners = new Set<Listener>();
let stream: EventSource | undefined;

function openStream(): EventSource {
  const source = new EventSource('/api/events');
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (e) => {
      const event = JSON.parse((e as MessageEvent).data);
      for (const l of [...listeners]) l(type, event);
    });
  }
  return source;
}

const httpBridge: Bridge = {
  async call(method, params) {
    const res = await fetch(`/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params ?? {}) });
    if (res.status === 401) return { ok: false, error: { kind: 'refused', message: 'this page is no longer connected; start Casevault again' } };
    return res.json();
  },
  on(listener) {
    listeners.add(listener);
    stream ??= openStream();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) {
        stream?.close();
        stream = undefined;
      }
    };
  },
};

const bridge = (): Bridge => window.casevault ?? httpBridge;

export async function call<M extends ApiMethod>(
  method: M,
  ...params: Record<string, never> extends ApiParams<M> ? [ApiParams<M>?] : [ApiParams<M>]
): Promise<ApiResult<M>> {
  const r = await bridge().call(method, params[0] ?? {});
  if (!r.ok) throw new ApiError(r.error);
  return r.value as ApiResult<M>;
}

export function onEvent<K extends keyof EngineEvents>(type: K, fn: (e: EngineEvents[K]) => void): () => void {
  return bridge().on((t, e) => {
    if (t === type) fn(e as EngineEvents[K]);
  });
}

/** Whether this shell can open the vault folder in the file manager (the desktop app can; a browser tab cannot). */
export const canOpenVaultFolder = (): boolean => typeof window.casevault?.openVaultFolder === 'function';

/** The desktop shell's behaviour, or undefined in a browser tab. */
export async function desktopShell(): Promise<DesktopShell | undefined> {
  return window.casevault?.desktop?.();
}

export async function openVaultFolder(): Promise<void> {
  const r = await window.casevault!.openVaultFolder!();
  if (!r.ok) throw new ApiError(r.error);
}

/** Whether this shell can show what a restore wrote in the file manager (the desktop app can; a browser tab offers the path to copy). */
export const canOpenRestoredFolder = (): boolean => typeof window.casevault?.openRestoredFolder === 'function';

export async function openRestoredFolder(): Promise<void> {
  const r = await window.casevault!.openRestoredFolder!();
  if (!r.ok) throw new ApiError(r.error);
}

/** Copy a dropped or chosen file into the vault at `path`; a name that is taken is written only as `ifExists` says. */
export async function addFile(path: string, file: Blob, ifExists: AddFileChoice = 'refuse'): Promise<AddFileReport> {
  if (window.casevault) return call('addFile', { path, data: new Uint8Array(await file.arrayBuffer()), ifExists });
  const res = await fetch(`/api/add-file?path=${encodeURIComponent(path)}&ifExists=${ifExists}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: file,
  });
  const r = (await res.json()) as ApiResponse<AddFileReport>;
  if (!r.ok) throw new ApiError(r.error);
  return r.value;
}
