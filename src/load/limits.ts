// Load-time limits: a hostile or broken file costs bounded time and memory and yields a bounded list of findings.

/** Files larger than this are refused before parsing. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Deepest nesting of mappings and sequences accepted (the Naftiko schema needs about 15). */
export const MAX_NESTING_DEPTH = 64;
/** The YAML parser stops after this many syntax errors (a 1 MB line of `{{x}}` would otherwise give a million). */
export const MAX_SYNTAX_ERRORS = 1000;
/** Files up to this size get the "independent syntax errors" search (one re-parse per reported error). */
export const MAX_RECOVERY_BYTES = 512 * 1024;
/** Syntax errors reported per file: the first one and up to this many independent ones in total. */
export const MAX_REPORTED_SYNTAX_ERRORS = 10;
/** Diagnostics printed per file; the rest are summarised in one "and N more" line. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;
/** Alias nodes one document may expand (YAML's own guard against "billion laughs" documents). */
export const MAX_ALIAS_COUNT = 100;
