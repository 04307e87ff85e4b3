// RE2 syntax, as Envoy (RE2) and Istio's validation (Go's regexp, RE2 syntax) read a regular
// expression: `(?i)` and `(?P<name>...)` are valid, look-around, back-references, `\Z` and repeat
// counts above 1000 are not. re2js (a port of RE2) is loaded on first use: about 25 ms.
import type { RE2JS } from 're2js';

/** Envoy's and Istio's limit on a regular expression's length (Istio approximates RE2's program size by it). */
const MAX_LENGTH = 1024;

let re2: typeof RE2JS | undefined;
const checked = new Map<string, string | undefined>();

/**
 * Why `expression` is not an RE2 regular expression that Istio accepts, or undefined when it is.
 * @internal
 */
export function re2Problem(expression: string): string | undefined {
  if (checked.has(expression)) return checked.get(expression);
  let problem: string | undefined;
  if (expression.length > MAX_LENGTH) {
    problem = `it is ${expression.length} characters long; Istio allows ${MAX_LENGTH}`;
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    re2 ??= (require('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
    try {
      re2.compile(expression);
    } catch (e) {
      const reason = (e as Error).message.replace(/^error parsing regexp: /, '');
      // What JavaScript and PCRE users most often reach for, named plainly.
      const hint = /\(\?<?[=!]/.test(expression) ? 'look-around is not RE2 syntax' : /\\[1-9]/.test(expression) ? 'back-references are not RE2 syntax' : undefined;
      problem = hint ? `${hint} (${reason})` : reason;
    }
  }
  checked.set(expression, problem);
  return problem;
}
