/** What a job-making request makes: a new video, a remix, an edit or extension of a source, or a character. */
export type JobKind = 'create' | 'remix' | 'derive' | 'character';

/** The fields of a job the policy judges for each operation (edits and extensions keep the source's). */
export type ShapeField = 'model' | 'size' | 'seconds';
