// A long task's live progress (a backup, a restore), shown in place of the
// button that started it: a bar, files, bytes and the time left, from the
// engine's progress events. A run started elsewhere (a scheduled backup)
// shows the same way while it lasts.
import { useEffect, useState } from 'react';
import { onEvent } from './api.js';
import { describeRun, follow, running, type Run } from './progress.js';
import type { Task } from '../../contract/index.js';

export function useTaskProgress(task: Task) {
  const [run, setRun] = useState<Run | undefined>();
  const [now, setNow] = useState(Date.now());
  useEffect(() => onEvent('progress', (p) => p.task === task && setRun((r) => follow(r, p, Date.now()))), [task]);
  useEffect(() => {
    const clock = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(clock);
  }, []);
  return { run, now, reset: () => setRun(undefined), running: running(run, now) };
}

/** "Backing up 3 of 40 files: 1.2 MB of 40 MB, about 3 minutes left", under a bar. */
export function TaskProgress({ verb, run, now, testId }: { verb: string; run: Run | undefined; now: number; testId: string }) {
  const started = run && run.last.filesTotal > 0;
  return (
    <div className="task-progress">
      <progress
        max={started ? run.last.bytesTotal || run.last.filesTotal : undefined}
        value={started ? (run.last.bytesTotal ? run.last.bytesDone : run.last.filesDone) : undefined}
        aria-label={`${verb}: progress`}
      />
      <p className="muted" data-testid={testId} aria-live="polite">
        {started ? `${verb} ${run.last.filesDone} of ${run.last.filesTotal} files: ${describeRun(run, now)}` : `${verb}…`}
      </p>
    </div>
  );
}
