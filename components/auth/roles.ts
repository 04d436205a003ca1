// What the signed-in role may do in the pages (the API checks again: this only hides what would be refused).
/** Operators and admins change topics, groups, offsets and alerts. */
export const canChange = (role: string | null | undefined): boolean => role === 'operator' || role === 'admin';

/** Badge colour of a role. */
export const roleTone = (role: string | null | undefined): 'orange' | 'zinc' => (canChange(role) ? 'orange' : 'zinc');
