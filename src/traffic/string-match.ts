import { checkString } from '../core/check';
import { re2Problem } from '../core/re2';

/**
 * How a string (header, query parameter, method, path) is matched: exactly, by prefix, or by an
 * RE2 regular expression that must match the whole value.
 */
export class StringMatch {
  /** Exactly this value. */
  public static exact(value: string): StringMatch {
    return new StringMatch('exact', checkString('StringMatch.exact', 'value', value));
  }

  /** Values that start with `prefix`. */
  public static prefix(prefix: string): StringMatch {
    return new StringMatch('prefix', checkString('StringMatch.prefix', 'prefix', prefix));
  }

  /**
   * Values matching an RE2 expression. It is checked at construction with RE2's rules, the syntax
   * of Envoy and of Istio's validation: `(?i)` and `(?P<name>...)` are fine; look-around,
   * back-references and `\Z` are not.
   */
  public static regex(expression: string): StringMatch {
    checkString('regex', 'expression', expression);
    if (expression === '') throw new Error('regex: the expression is empty');
    const problem = re2Problem(expression);
    if (problem) throw new Error(`regex: "${expression}" does not compile as RE2 (the syntax of Envoy and Istio): ${problem}`);
    return new StringMatch('regex', expression);
  }

  private constructor(
    /** `exact`, `prefix` or `regex`: the key of Istio's StringMatch. */
    public readonly kind: string,
    /** The value, prefix or expression. */
    public readonly value: string,
  ) {}

  /**
   * Istio's StringMatch object.
   * @internal
   */
  public _toIstio(): { [key: string]: string } {
    return { [this.kind]: this.value };
  }
}
