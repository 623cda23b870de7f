// Subject access requests as the shells see them: what a search found and
// what an export wrote.

export interface SarHit {
  /** Vault-relative, '/'-separated. */
  path: string;
  size: number;
  /** Last modified (ISO time). */
  mtime: string;
  /** The terms (as typed) that were found. */
  terms: string[];
  /** Where: in the path, in the text, or both. */
  where: ('name' | 'content')[];
  /** A few words around the first match in the text. */
  snippet?: string;
  /** Present when the file may hold other members' data (a spreadsheet, many e-mail addresses or names): why, as a phrase. Not chosen for export unless the officer chooses it. */
  mayHoldOthers?: string;
}

export interface SarProblem {
  path: string;
  reason: string;
}

export interface SarSearchReport {
  hits: SarHit[];
  /** Files (or folders) whose text could not be searched: a person should look at them. Their names were still searched. */
  unreadable: SarProblem[];
  /** Files looked at. */
  searched: number;
}

/** The request an export answers: the terms searched for and the officer's reference. */
export interface SarRequest {
  reference?: string;
  terms: string[];
}

export interface SarExportOptions extends SarRequest {
  /** Vault paths of the files to export. */
  paths: string[];
  /** A new or empty folder, or (zip) a new file. '~/' is the home folder. */
  to: string;
  zip: boolean;
}

export interface SarExportReport {
  /** Files exported (besides the manifest). */
  files: number;
  bytes: number;
  /** Where the export went (absolute). */
  to: string;
  zip: boolean;
  /** The manifest's names inside the export. */
  manifest: string[];
  /** Chosen files that could not be copied (gone, or unreadable); every other file was. */
  failed: SarProblem[];
  /** Casevault's own temporary files (partial copies) that an earlier export, stopped part-way, left where this one went: removed. */
  leftoversRemoved: number;
}
