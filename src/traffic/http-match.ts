import { StringMatch } from './string-match';
import { checkInstance } from '../core/check';
import { sortedRecord } from '../core/names';

/**
 * Which requests a route takes: a path condition (prefix, exact, RE2 regex) optionally narrowed
 * by headers, query parameters, method and the calling workload. All conditions of one
 * `HttpMatch` must hold; several matches on one route are alternatives.
 */
export class HttpMatch {
  /** Paths that start with `prefix` (e.g. `/hello`). */
  public static prefix(prefix: string): HttpMatch {
    return new HttpMatch({ uri: StringMatch.prefix(checkPath('prefix', prefix))._toIstio() });
  }

  /** Exactly this path. */
  public static exact(path: string): HttpMatch {
    return new HttpMatch({ uri: StringMatch.exact(checkPath('exact', path))._toIstio() });
  }

  /** Paths matching an RE2 regular expression (the whole path must match). */
  public static regex(expression: string): HttpMatch {
    return new HttpMatch({ uri: wrap('HttpMatch.', () => StringMatch.regex(expression))._toIstio() });
  }

  /** Any path (narrow it with `withHeader`, `withMethod`, ...). */
  public static any(): HttpMatch {
    return new HttpMatch({});
  }

  private constructor(private readonly spec: Record<string, any>) {}

  /** Also require header `name` to match (`name` is lower-cased, as Envoy sees headers). */
  public withHeader(name: string, match: StringMatch): HttpMatch {
    checkInstance('HttpMatch.withHeader', 'match', match, StringMatch, 'StringMatch.exact(\'v2\')');
    if (match === undefined) throw new Error(`HttpMatch.withHeader: "${name}" needs a match (e.g. StringMatch.exact('v2')); use withoutHeader to require its absence`);
    return this.withEntry('headers', checkHeader(name), match._toIstio());
  }

  /** Also require header `name` to be absent. */
  public withoutHeader(name: string): HttpMatch {
    return this.withEntry('withoutHeaders', checkHeader(name), {});
  }

  /** Also require query parameter `name` to match (exact or regex; Istio has no prefix match here). */
  public withQueryParam(name: string, match: StringMatch): HttpMatch {
    if (typeof name !== 'string' || name === '') throw new Error(`HttpMatch.withQueryParam: "${name}" is not a query parameter name`);
    checkInstance('HttpMatch.withQueryParam', 'match', match, StringMatch, 'StringMatch.exact(\'1\')');
    if (match === undefined) throw new Error(`HttpMatch.withQueryParam: "${name}" needs a match (e.g. StringMatch.exact('1'))`);
    if (match.kind === 'prefix') throw new Error(`HttpMatch.withQueryParam: "${name}": Istio matches query parameters only exactly or by regex`);
    return this.withEntry('queryParams', name, match._toIstio());
  }

  /** Also require this HTTP method (e.g. `GET`; methods match case-sensitively). */
  public withMethod(method: string): HttpMatch {
    return new HttpMatch({ ...this.spec, method: { exact: checkMethod('HttpMatch.withMethod', method) } });
  }

  /** Also require the caller's pod labels (e.g. a MeshService's `selectorLabels`). */
  public withSourceLabels(labels: { [key: string]: string }): HttpMatch {
    if (labels === null || typeof labels !== 'object' || Object.keys(labels).length === 0) {
      throw new Error('HttpMatch.withSourceLabels: the labels are empty: name at least one label of the calling pods (e.g. a MeshService\'s selectorLabels)');
    }
    return new HttpMatch({ ...this.spec, sourceLabels: sortedRecord({ ...this.spec.sourceLabels, ...labels }) });
  }

  /**
   * Also require the port the caller dialled (the service port, 1–65535), e.g. to treat plain
   * HTTP on port 80 differently from other ports of the same host.
   */
  public withPort(port: number): HttpMatch {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`HttpMatch.withPort: port ${port} is out of range: use a whole number from 1 to 65535`);
    return new HttpMatch({ ...this.spec, port });
  }

  /** Match the path case-insensitively. */
  public ignoringCase(): HttpMatch {
    return new HttpMatch({ ...this.spec, ignoreUriCase: true });
  }

  /**
   * Istio's HTTPMatchRequest.
   * @internal
   */
  public _toIstio(): Record<string, any> {
    return this.spec;
  }

  private withEntry(field: string, key: string, value: unknown): HttpMatch {
    return new HttpMatch({ ...this.spec, [field]: sortedRecord({ ...this.spec[field], [key]: value }) });
  }
}

function checkPath(kind: string, path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/')) throw new Error(`HttpMatch.${kind}: path "${path}" must start with '/'`);
  return path;
}

function checkHeader(name: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) throw new Error(`HttpMatch: "${name}" is not a valid header name`);
  return name.toLowerCase();
}

/** Runs `fn`, prefixing the message of what it throws. */
function wrap<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Error(prefix + (e as Error).message);
  }
}

/**
 * Throws unless `method` is an HTTP method as Envoy and Istio match it: upper case, case-sensitive.
 * `where` names the construct or factory and the field.
 * @internal
 */
export function checkMethod(where: string, method: string): string {
  if (typeof method !== 'string' || !/^[A-Z]+$/.test(method)) {
    const fix = typeof method === 'string' && /^[A-Za-z]+$/.test(method)
      ? `write "${method.toUpperCase()}" (methods match case-sensitively: "${method}" would never match)` : 'use upper case, e.g. GET';
    throw new Error(`${where}: "${method}" is not an HTTP method: ${fix}`);
  }
  return method;
}
