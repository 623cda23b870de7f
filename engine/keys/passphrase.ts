// Passphrase strength: zxcvbn's estimate (dictionaries of common passwords,
// names and words), so "Password123!" is refused and four random words pass.
// The dictionaries are large: loaded on first use, not at start-up.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import type { Strength } from '../../contract/index.js';

export const MIN_LENGTH = 10;
export const MIN_SCORE = 3;

let factory: ZxcvbnFactory | undefined;

export async function passphraseStrength(passphrase: string, userInputs: string[] = []): Promise<Strength> {
  if (!factory) {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    factory = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  }
  const r = factory.check(passphrase, [...userInputs, 'casevault', 'union', 'vault']);
  if (passphrase.length < MIN_LENGTH) {
    return { ok: false, score: Math.min(r.score, 2), reason: `use at least ${MIN_LENGTH} characters; four or more unrelated words work well` };
  }
  if (r.score < MIN_SCORE) {
    const warning = r.feedback.warning ?? '';
    const why = warning ? warning.charAt(0).toLowerCase() + warning.slice(1) : 'it would be easy to guess';
    return { ok: false, score: r.score, reason: `${why.replace(/\.$/, '')}; add more unrelated words` };
  }
  return { ok: true, score: r.score, reason: r.score === 3 ? 'good; one more word makes it strong' : 'strong' };
}
