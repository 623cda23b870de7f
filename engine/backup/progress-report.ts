// Progress reports of backup work, shaped like the engine's ProgressEvent.
export type BackupTask = 'backup' | 'restore' | 'prune' | 'verify';

export interface BackupProgress {
  task: BackupTask;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export type BackupEmit = (type: 'progress', e: BackupProgress) => void;

/** Emits at most every 100 ms, and always the last report. */
export function throttled(emit: BackupEmit | undefined, task: BackupTask): { p: BackupProgress; tick(force?: boolean): void } {
  const p: BackupProgress = { task, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 };
  let last = 0;
  return {
    p,
    tick(force = false) {
      if (!emit) return;
      const now = Date.now();
      if (!force && now - last < 100) return;
      last = now;
      emit('progress', { ...p });
    },
  };
}
