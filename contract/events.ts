// The engine's event stream: what the CLI prints as progress and the
// desktop app shows. Events never carry key material or file contents.
import type { LockState } from './lock.js';

export type Task = 'sync' | 'recover' | 'verify' | 'backup' | 'restore' | 'prune' | 'search' | 'export' | 'rotate' | 'move';

export interface ProgressEvent {
  task: Task;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface FileEvent {
  task: Task;
  path: string;
  state: 'synced' | 'deleted' | 'restored' | 'failed' | 'ok' | 'damaged' | 'conflict';
  reason?: string;
}

export interface EngineEvents {
  progress: ProgressEvent;
  file: FileEvent;
  /** The vault was locked or unlocked (by the person, or by itself: the idle timer, sleep, screen lock). */
  lock: LockState;
}

/** Every event type, for the transports that forward them (browser mode's event stream, the desktop app's IPC). */
export const EVENT_TYPES = ['progress', 'file', 'lock'] as const satisfies readonly (keyof EngineEvents)[];

export type Emit = <K extends keyof EngineEvents>(type: K, event: EngineEvents[K]) => void;
