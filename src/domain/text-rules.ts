/** What text secsol accepts from outside: one rule for the HTTP API and Slack's forms. */

/**
 * Characters that change how text displays rather than what it says: C0/C1 controls (an ESC sequence clears
 * an operator's terminal), bidirectional overrides and isolates (U+202E makes a name read backwards) and
 * zero-width characters (two names that look the same): Unicode's control (Cc) and format (Cf) categories.
 * Also lone surrogates (Cs: JSON's `\ud800` escape; storage cannot keep one, it came back as U+FFFD) and
 * the line and paragraph separators U+2028 and U+2029 (Zl, Zp). Refused in names and titles; in prose
 * fields only line breaks and tabs pass.
 *
 * Names and titles also refuse what shows as nothing although Unicode calls it a letter or a symbol: the
 * Hangul fillers (U+115F, U+1160, U+3164, U+FFA0) and the blank Braille pattern (U+2800), which make a name
 * look empty or like another; and private-use characters (Co), which each device draws as it likes. Prose
 * (descriptions, messages) may carry them: nobody picks a solution or an alert by its description.
 */
export const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0\u2800\p{Co}]/u;
/** Why a value matching INVISIBLE is refused, as the API words it. */
export const INVISIBLE_REASON = 'has control, bidirectional, zero-width, blank or private-use characters';

/** The same, except the line breaks and tabs a multi-line message may carry. */
export const INVISIBLE_IN_PROSE = /(?![\n\t])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
/** Why a value matching INVISIBLE_IN_PROSE is refused, as the API words it. */
export const INVISIBLE_IN_PROSE_REASON = 'has control, bidirectional or zero-width characters';
