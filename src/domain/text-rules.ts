/** What text secsol accepts from outside: one rule for the HTTP API and Slack's forms. */

/**
 * Characters that change how text displays rather than what it says: C0/C1 controls (an ESC sequence clears
 * an operator's terminal), bidirectional overrides and isolates (U+202E makes a name read backwards) and
 * zero-width characters (two names that look the same): Unicode's control (Cc) and format (Cf) categories.
 * Also lone surrogates (Cs: JSON's `\ud800` escape; storage cannot keep one, it came back as U+FFFD) and
 * the line and paragraph separators U+2028 and U+2029 (Zl, Zp). Refused in names and titles; in prose
 * fields only line breaks and tabs pass.
 */
export const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
/** The same, except the line breaks and tabs a multi-line message may carry. */
export const INVISIBLE_IN_PROSE = /(?![\n\t])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
