// A read that a page asking every few seconds may repeat while the last one
// is still under way (a cloud or share that hangs): at most one runs at a
// time, a question asked meanwhile joins it, and each question is answered
// within a deadline, by `late` if the read is not done (the read goes on;
// the first question after it ends starts a new one). Nothing is kept once a
// read ends: each answer is what was read just now. The read must not throw.
export class JoinedRead<T> {
  private reading: Promise<T> | undefined;

  constructor(readonly deadlineMs: number) {}

  ask(read: () => Promise<T>, late: () => T): Promise<T> {
    const reading = (this.reading ??= read().finally(() => {
      this.reading = undefined;
    }));
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(late()), this.deadlineMs);
    });
    return Promise.race([reading, overdue]).finally(() => clearTimeout(timer));
  }
}
