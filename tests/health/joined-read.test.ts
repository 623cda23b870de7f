// One read at a time, joined by questions asked meanwhile, each answered by
// its deadline: what keeps Home's status from waiting on, or piling reads
// onto, a cloud or share that hangs (the key file probe and the cloud
// folder's listing both ask through it).
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { JoinedRead } from '../../engine/health/joined-read.js';

test('a read that hangs: each question is answered late at its deadline, none starts a second read; once it ends, the next question reads again', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const joined = new JoinedRead<string>(5000);
    let reads = 0;
    let finish: (v: string) => void = () => {};
    const hanging = () => {
      reads++;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const first = joined.ask(hanging, () => 'late');
    mock.timers.tick(4000);
    const second = joined.ask(hanging, () => 'late'); // asked while the first read hangs: joins it
    mock.timers.tick(1000);
    assert.equal(await first, 'late');
    mock.timers.tick(4000);
    assert.equal(await second, 'late');
    assert.equal(reads, 1, 'one read, however many questions');

    finish('answered');
    await new Promise((r) => setImmediate(r));
    const third = joined.ask(
      async () => (reads++, 'fresh'),
      () => 'late',
    );
    assert.equal(await third, 'fresh', 'a new read once the hanging one ended');
    assert.equal(reads, 2);

    const prompt = joined.ask(
      async () => 'quick',
      () => 'late',
    );
    assert.equal(await prompt, 'quick', 'a read done in time is the answer');
  } finally {
    mock.timers.reset();
  }
});
