/** The new passphrase chosen when rotating keys in these tests. */
export const ROTATED = 'fresh lantern copper river ninety quietly';
