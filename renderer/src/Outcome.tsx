// What an action did, shown right beside the button that caused it (never
// at the foot of a long page, where nobody sees it): every screen uses this
// one pattern. `useOutcome()` gives the setters and the element to place
// just after the button; a new outcome is scrolled into view.
import { useEffect, useRef, useState } from 'react';
import { explain } from './failures.js';

export interface Said {
  text: string;
  tone: 'ok' | 'error';
}

/** The outcome line: a status for a result, an alert for a failure. */
export function Outcome({ said }: { said: Said | undefined }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    void ref.current?.scrollIntoView?.({ block: 'nearest' }); // newer Chromium returns a promise here, which must not become the effect's cleanup
  }, [said]);
  if (!said) return null;
  return (
    <p ref={ref} className={`outcome ${said.tone}`} role={said.tone === 'error' ? 'alert' : 'status'}>
      {said.text}
    </p>
  );
}

export function useOutcome() {
  const [said, setSaid] = useState<Said | undefined>();
  return {
    ok: (text: string) => setSaid({ text, tone: 'ok' }),
    /** A failure: the engine's (with its next step, in the app's words) or a sentence of the screen's own. */
    fail: (e: unknown) => setSaid({ text: typeof e === 'string' ? e : explain(e), tone: 'error' }),
    clear: () => setSaid(undefined),
    view: <Outcome said={said} />,
  };
}
