/**
 * Which request paths a route takes: by prefix, exact path or RE2 regular expression.
 */
export class HttpMatch {
  /** Paths that start with `prefix` (e.g. `/hello`). */
  public static prefix(prefix: string): HttpMatch {
    return new HttpMatch('prefix', checkPath('prefix', prefix));
  }

  /** Exactly this path. */
  public static exact(path: string): HttpMatch {
    return new HttpMatch('exact', checkPath('exact', path));
  }

  /**
   * Paths matching an RE2 regular expression (the whole path must match).
   * The expression is checked at construction with JavaScript's parser; RE2 rejects a few more
   * constructs (look-around, back-references), which are refused here too.
   */
  public static regex(expression: string): HttpMatch {
    if (expression === '') throw new Error('HttpMatch.regex: the expression is empty');
    if (/\(\?[=!<]|\\[1-9]/.test(expression)) {
      throw new Error(`HttpMatch.regex: "${expression}" uses look-around or a back-reference, which RE2 (Envoy) does not support`);
    }
    try {
      new RegExp(expression);
    } catch (e) {
      throw new Error(`HttpMatch.regex: "${expression}" does not compile: ${(e as Error).message}`);
    }
    return new HttpMatch('regex', expression);
  }

  private constructor(
    /** `prefix`, `exact` or `regex`: the key of Istio's StringMatch. */
    public readonly kind: string,
    /** The path, prefix or expression. */
    public readonly value: string,
  ) {}

  /**
   * The Istio `HTTPMatchRequest.uri` StringMatch.
   * @internal
   */
  public _toUri(): { [key: string]: string } {
    return { [this.kind]: this.value };
  }
}

function checkPath(kind: string, path: string): string {
  if (!path.startsWith('/')) throw new Error(`HttpMatch.${kind}: path "${path}" must start with '/'`);
  return path;
}
