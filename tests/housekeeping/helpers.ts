/** A last-modified date past the default retention (six years) on any day these tests run. */
export const OLD = new Date('2015-06-30T12:00:00Z');
