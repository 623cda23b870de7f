// The engine's event stream: what the CLI prints as progress and the
// desktop app shows. Events never carry key material or file contents.

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
}

export type Emit = <K extends keyof EngineEvents>(type: K, event: EngineEvents[K]) => void;
