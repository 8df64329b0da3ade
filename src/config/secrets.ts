/**
 * The API keys secsol is given (admin token, enrollment key) must be able to authenticate and must not be
 * guessable. A key that can never appear in an `Authorization: Bearer` header, a documentation example
 * copied as is, or a low-variety string is refused at start instead of being discovered by an attacker.
 */

/** RFC 6750's b64token: what may follow "Bearer " in an Authorization header. */
const BEARER_SYNTAX = /^[A-Za-z0-9._~+/-]+=*$/;

export const MIN_SECRET_LENGTH = 16;
const MIN_DISTINCT_CHARACTERS = 10;

/**
 * Parts of placeholder and example values (documentation, tutorials, our own older README). A secret that
 * contains one was typed by a person, not generated.
 */
const PLACEHOLDERS = [
  'change-me',
  'changeme',
  'enroll-me',
  'example',
  'placeholder',
  'password',
  'secret',
  'xxxx',
  '0123456789',
  '123456',
  'abcdef',
  'qwerty',
];

/** Why a secret is refused, or null when it is acceptable. */
export function secretProblem(value: string): string | null {
  if (!BEARER_SYNTAX.test(value)) {
    return 'may only contain letters, digits and - . _ ~ + / (with = at the end): it must fit in a Bearer header';
  }
  if (value.length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters`;
  const lower = value.toLowerCase();
  const placeholder = PLACEHOLDERS.find((p) => lower.includes(p));
  if (placeholder !== undefined) {
    return 'looks like an example value: generate one, e.g. with `openssl rand -hex 24`';
  }
  if (new Set(value).size < MIN_DISTINCT_CHARACTERS) {
    return 'is too easy to guess (too few different characters): generate one, e.g. with `openssl rand -hex 24`';
  }
  return null;
}
