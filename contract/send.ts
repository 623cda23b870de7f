// Sending securely as the shells see it: what a person asks for (files and
// folders, where the package goes, to whom, an expiry date, their own
// passphrase or none), what was written, and the record of every package
// sent from this computer (for subject access requests and breach reports).
import { z } from 'zod';
import { pathParam, text } from './keys.js';

export const sendSchema = z
  .object({
    /** Files and folders: absolute paths, or paths inside the vault folder (as the app's file list gives them). */
    paths: z.array(pathParam).min(1).max(10_000),
    /** The package: a new file whose name ends in .html, outside the vault folder; `~/` is the home folder. */
    out: pathParam,
    /** To whom, as the person typed it (one line). */
    to: text(200).optional(),
    /** The last day the recipient should open it, "YYYY-MM-DD": shown on the recipient's page (advisory). */
    expires: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    /** The person's own passphrase for the package (strength-checked); without it Casevault makes one. */
    passphrase: text(1024).optional(),
  })
  .strict();
export type SendOptions = z.infer<typeof sendSchema>;

export interface SentFile {
  /** As the package names it: the file's name, after its folder's name when a folder was sent ("Case 0042/letter.pdf"). */
  name: string;
  size: number;
  /** SHA-256 of the content sent, hex. */
  sha256: string;
}

export interface SentPackage {
  /** The package's ID in the records and the audit trail. */
  id: string;
  /** When it was written (ISO time). */
  at: string;
  /** To whom, as typed; null when not given. */
  to: string | null;
  /** Where the package was written. */
  out: string;
  /** "YYYY-MM-DD", or null. */
  expires: string | null;
  files: SentFile[];
}

export interface SendReport extends SentPackage {
  /** The package file's size. */
  bytes: number;
  /** The passphrase Casevault made, to be shown once and told by phone or text; null when the person chose their own. */
  passphrase: string | null;
  /** Links found inside the folders sent: never sent (a link is not a file of its folder). */
  linksSkipped: number;
}

export interface SentPackages {
  /** Newest first. */
  packages: SentPackage[];
  /** Records that no key of this vault opens (damaged): counted, never hidden. */
  unreadable: number;
}
