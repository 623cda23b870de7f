// The recovery kit: what a recovery key is printed and saved as, so that
// years later, on a new laptop, the page alone says which vault it opens,
// when it was made, who must not see it and what to do. The engine writes
// it as a file and the app prints it from this one wording. Spec:
// docs/desktop-app.md ("The recovery kit").

/** The vault's own recovery key, or the successor's key for a handover copy. */
export type KitKind = 'vault' | 'handover';

/** What the kit says besides the words (nothing secret). */
export interface RecoveryKitFacts {
  kind: KitKind;
  /** The vault folder's name, e.g. "Cases". */
  vaultName: string;
  /** Where the encrypted copy is: a folder (a sync folder, a share, the handover copy), or Dropbox. */
  cloud: { kind: 'folder'; dir: string } | { kind: 'dropbox' } | { kind: 's3'; location: string };
  /** The day it was made, in words: "5 December 2026". */
  date: string;
}

export interface RecoveryKit {
  title: string;
  made: string;
  /** What it is, and who must not see it. */
  about: string[];
  /** The words, numbered, three to a group. */
  groups: { n: number; word: string }[][];
  /** On a new laptop, in order. */
  steps: string[];
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "5 December 2026": the same in every English reading, unlike 5/12/2026. */
export function kitDate(d: Date): string {
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

/** A key's words as typed or shown: lower case, without the dashes, spaces and numbers between them. */
export function keyWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
}

/** The words numbered from 1, three to a group (the way the key is read aloud and checked). */
export function numberedGroups(words: string): { n: number; word: string }[][] {
  const all = keyWords(words).map((word, i) => ({ n: i + 1, word }));
  const groups: { n: number; word: string }[][] = [];
  for (let i = 0; i < all.length; i += 3) groups.push(all.slice(i, i + 3));
  return groups;
}

export function recoveryKit(f: RecoveryKitFacts, words: string): RecoveryKit {
  const handover = f.kind === 'handover';
  const where =
    f.cloud.kind === 'folder'
      ? handover
        ? `the handover copy's folder: ${f.cloud.dir}`
        : `the cloud folder: ${f.cloud.dir} (on a new laptop, let its sync app finish downloading it first)`
      : f.cloud.kind === 's3'
        ? `the S3 storage location ${f.cloud.location} (the union's storage administrator gives the access key for it)`
        : "the folder of Casevault's encrypted copy in Dropbox (Apps, then Casevault's app folder), once the Dropbox app has downloaded it";
  return {
    title: `Casevault recovery kit: ${f.vaultName}${handover ? ' (handover copy)' : ''}`,
    made: `Made on ${f.date}.`,
    about: [
      handover
        ? `These ${keyWords(words).length} words open the handover copy of the vault "${f.vaultName}" if its passphrase is forgotten.`
        : `These ${keyWords(words).length} words open the vault "${f.vaultName}" if its passphrase is forgotten.`,
      'Whoever has them and the encrypted copy can read every case file in it. Nobody else can open the vault without the passphrase: not Casevault, not the union.',
      handover
        ? 'Give this page to your successor in person, apart from the copy and its passphrase.'
        : 'Keep this page away from the computer, for instance in a locked drawer or the branch office safe. Do not photograph it, e-mail it, or keep it in the vault folder, the cloud folder or beside the backups.',
      'If a newer recovery key is made, this one stops working.',
    ],
    groups: numberedGroups(words),
    steps: [
      'Install Casevault on the new laptop and open it.',
      'On the first screen choose "Already have a vault? Recover it on this computer".',
      `For the folder that holds the encrypted copy, give ${where}.`,
      'Choose a new, empty folder for the vault.',
      'Choose "Forgot the passphrase? Use the recovery key" and type the words above, in order (the first four letters of each are enough).',
    ],
  };
}

/** The kit as a plain text file. */
export function recoveryKitText(k: RecoveryKit): string {
  const rows = k.groups.map((g) =>
    g
      .map(({ n, word }) => `${String(n).padStart(2)}. ${word.padEnd(9)}`)
      .join(' ')
      .trimEnd(),
  );
  return [
    k.title,
    k.made,
    '',
    ...k.about,
    '',
    'The recovery key:',
    '',
    ...rows.map((r) => `  ${r}`),
    '',
    'On a new laptop:',
    ...k.steps.map((s, i) => `  ${i + 1}. ${s}`),
    '',
  ].join('\n');
}
