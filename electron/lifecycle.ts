// How the desktop app starts and stops: one instance per person, and a quit
// that waits for live sync to stop and the reading keys to be wiped.
// Electron does not wait for an async `before-quit` listener, so the quit is
// held (preventDefault), the clean-up awaited, and only then does the app
// exit. Plain module: main.ts passes Electron's `app` in, and the tests pass
// a stand-in, so the sequence is tested without the Electron binary.

/** The event Electron's `before-quit` hands its listeners. */
export interface QuitEvent {
  preventDefault(): void;
}

/** The part of Electron's `app` the start and the quit use. */
export interface LifecycleApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  exit(code?: number): void;
  on(event: 'before-quit', listener: (event: QuitEvent) => void): unknown;
}

/**
 * Whether this process is the app's one instance. If not, it quits at once and
 * nothing else may start (no engine, no tray, no live sync beside the other
 * instance's): Electron then tells the first instance ('second-instance'),
 * which shows its window.
 */
export function holdsSingleInstance(app: Pick<LifecycleApp, 'requestSingleInstanceLock' | 'quit'>): boolean {
  if (app.requestSingleInstanceLock()) return true;
  app.quit();
  return false;
}

export type QuitState = 'running' | 'stopping' | 'done';

/**
 * Holds every quit (the tray's Quit, a closed window without a tray, the OS
 * logging out) until `cleanup` has finished, once, then calls `finish` with
 * the exit code: `app.exit` by default, or, for "Restart now" after an update,
 * the updater's install. A quit asked for while cleaning up waits for the same
 * clean-up; one after it (the updater's own `app.quit()`) is let through.
 */
export class QuitSequence {
  private state: QuitState = 'running';
  private finish: (code: number) => void;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly app: LifecycleApp,
    private readonly cleanup: () => Promise<void>,
  ) {
    this.finish = (code) => app.exit(code);
    app.on('before-quit', (event) => this.onBeforeQuit(event));
  }

  get current(): QuitState {
    return this.state;
  }

  /** Quit, and once cleaned up run `then` instead of exiting (the updater's quit-and-install). */
  quitThen(then: () => void): void {
    if (this.state === 'running') this.finish = then;
    this.app.quit();
  }

  /** Resolves once the clean-up has run (for whoever must wait for it). */
  whenStopped(): Promise<void> {
    return this.stopped ?? Promise.resolve();
  }

  private onBeforeQuit(event: QuitEvent): void {
    if (this.state === 'done') return;
    event.preventDefault();
    if (this.state === 'stopping') return;
    this.state = 'stopping';
    this.stopped = this.cleanup().then(
      () => this.end(0),
      // The keys are wiped by lock() before anything in it can fail; exit all the same, with a code that says it was not clean.
      () => this.end(1),
    );
  }

  private end(code: number): void {
    this.state = 'done';
    this.finish(code);
  }
}

/** Closing the window quits only where there is no tray to reopen it from (the app would be left running out of reach). */
export function closeQuits(trayShown: boolean): boolean {
  return !trayShown;
}

/** Started at login (`--hidden`) with a tray to live in: no window until the person opens one. */
export function startHidden(argv: readonly string[], trayShown: boolean): boolean {
  return trayShown && argv.includes(HIDDEN_FLAG);
}

/** The argument the login entry starts the app with. */
export const HIDDEN_FLAG = '--hidden';
