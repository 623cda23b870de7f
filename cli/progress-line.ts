// A one-line progress display on stderr, only when it is a terminal.
import type { Io } from './prompt.js';
import { type ProgressEvent } from '../contract/index.js';
import { type Engine } from '../engine/index.js';

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

export function showProgress(engine: Engine, io: Io, label: string): () => void {
  if (!io.stderr.isTTY) return () => {};
  let last = 0;
  const start = Date.now();
  const onProgress = (p: ProgressEvent) => {
    const now = Date.now();
    if (now - last < 100 && p.filesDone < p.filesTotal) return;
    last = now;
    const secs = (now - start) / 1000;
    const rate = secs > 0 ? p.bytesDone / secs : 0;
    const eta = rate > 0 && p.bytesTotal > p.bytesDone ? ` ETA ${Math.ceil((p.bytesTotal - p.bytesDone) / rate)} s` : '';
    const bytes = p.bytesTotal > 0 ? ` ${mib(p.bytesDone)}/${mib(p.bytesTotal)} ${mib(rate)}/s${eta}` : '';
    io.stderr.write(`\r${label}: ${p.filesDone}/${p.filesTotal} files${bytes}\x1b[K`);
  };
  engine.events.on('progress', onProgress);
  return () => {
    engine.events.off('progress', onProgress);
    if (last > 0) io.stderr.write('\r\x1b[K');
  };
}
