import { checkInstance, checkList, checkString } from '../core/check';

/**
 * Name of the MeshConfig extension provider (`envoyFileAccessLog`) that `TracingConfig` writes for
 * an access-log format of its own on open-source Istio.
 * @internal
 */
export const ACCESS_LOG_PROVIDER = 'envoy-access-log';

/**
 * One field of a JSON access log: a key and the Envoy command operator that fills it.
 *
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#command-operators
 */
export class AccessLogField {
  /** `start_time`: `%START_TIME%`. */
  public static readonly START_TIME = new AccessLogField('start_time', '%START_TIME%');
  /** `route_name`: `%ROUTE_NAME%`. */
  public static readonly ROUTE_NAME = new AccessLogField('route_name', '%ROUTE_NAME%');
  /** `method`: `%REQ(:METHOD)%`. */
  public static readonly METHOD = new AccessLogField('method', '%REQ(:METHOD)%');
  /** `path`: the original path before rewrites. */
  public static readonly PATH = new AccessLogField('path', '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%');
  /** `protocol`: `%PROTOCOL%`. */
  public static readonly PROTOCOL = new AccessLogField('protocol', '%PROTOCOL%');
  /** `response_code`: `%RESPONSE_CODE%`. */
  public static readonly RESPONSE_CODE = new AccessLogField('response_code', '%RESPONSE_CODE%');
  /** `response_flags`: `%RESPONSE_FLAGS%`. */
  public static readonly RESPONSE_FLAGS = new AccessLogField('response_flags', '%RESPONSE_FLAGS%');
  /** `response_code_details`: `%RESPONSE_CODE_DETAILS%`. */
  public static readonly RESPONSE_CODE_DETAILS = new AccessLogField('response_code_details', '%RESPONSE_CODE_DETAILS%');
  /** `connection_termination_details`: `%CONNECTION_TERMINATION_DETAILS%`. */
  public static readonly CONNECTION_TERMINATION_DETAILS = new AccessLogField('connection_termination_details', '%CONNECTION_TERMINATION_DETAILS%');
  /** `upstream_transport_failure_reason`: `%UPSTREAM_TRANSPORT_FAILURE_REASON%`. */
  public static readonly UPSTREAM_TRANSPORT_FAILURE_REASON = new AccessLogField('upstream_transport_failure_reason', '%UPSTREAM_TRANSPORT_FAILURE_REASON%');
  /** `bytes_received`: `%BYTES_RECEIVED%`. */
  public static readonly BYTES_RECEIVED = new AccessLogField('bytes_received', '%BYTES_RECEIVED%');
  /** `bytes_sent`: `%BYTES_SENT%`. */
  public static readonly BYTES_SENT = new AccessLogField('bytes_sent', '%BYTES_SENT%');
  /** `duration`: `%DURATION%` (milliseconds). */
  public static readonly DURATION = new AccessLogField('duration', '%DURATION%');
  /** `upstream_service_time`: `%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%`. */
  public static readonly UPSTREAM_SERVICE_TIME = new AccessLogField('upstream_service_time', '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%');
  /** `x_forwarded_for`: `%REQ(X-FORWARDED-FOR)%`. */
  public static readonly X_FORWARDED_FOR = new AccessLogField('x_forwarded_for', '%REQ(X-FORWARDED-FOR)%');
  /** `user_agent`: `%REQ(USER-AGENT)%`. */
  public static readonly USER_AGENT = new AccessLogField('user_agent', '%REQ(USER-AGENT)%');
  /** `request_id`: `%REQ(X-REQUEST-ID)%`. */
  public static readonly REQUEST_ID = new AccessLogField('request_id', '%REQ(X-REQUEST-ID)%');
  /** `authority`: `%REQ(:AUTHORITY)%`. */
  public static readonly AUTHORITY = new AccessLogField('authority', '%REQ(:AUTHORITY)%');
  /** `upstream_host`: `%UPSTREAM_HOST%`. */
  public static readonly UPSTREAM_HOST = new AccessLogField('upstream_host', '%UPSTREAM_HOST%');
  /** `upstream_cluster`: `%UPSTREAM_CLUSTER%`. */
  public static readonly UPSTREAM_CLUSTER = new AccessLogField('upstream_cluster', '%UPSTREAM_CLUSTER%');
  /** `upstream_local_address`: `%UPSTREAM_LOCAL_ADDRESS%`. */
  public static readonly UPSTREAM_LOCAL_ADDRESS = new AccessLogField('upstream_local_address', '%UPSTREAM_LOCAL_ADDRESS%');
  /** `downstream_local_address`: `%DOWNSTREAM_LOCAL_ADDRESS%`. */
  public static readonly DOWNSTREAM_LOCAL_ADDRESS = new AccessLogField('downstream_local_address', '%DOWNSTREAM_LOCAL_ADDRESS%');
  /** `downstream_remote_address`: `%DOWNSTREAM_REMOTE_ADDRESS%`. */
  public static readonly DOWNSTREAM_REMOTE_ADDRESS = new AccessLogField('downstream_remote_address', '%DOWNSTREAM_REMOTE_ADDRESS%');
  /** `requested_server_name`: `%REQUESTED_SERVER_NAME%`. */
  public static readonly REQUESTED_SERVER_NAME = new AccessLogField('requested_server_name', '%REQUESTED_SERVER_NAME%');

  /**
   * The default JSON field set: Istio's default access-log fields, the set of the reference setup.
   */
  public static defaults(): AccessLogField[] {
    const f = AccessLogField;
    return [
      f.START_TIME, f.ROUTE_NAME, f.METHOD, f.PATH, f.PROTOCOL, f.RESPONSE_CODE, f.RESPONSE_FLAGS,
      f.RESPONSE_CODE_DETAILS, f.CONNECTION_TERMINATION_DETAILS, f.UPSTREAM_TRANSPORT_FAILURE_REASON,
      f.BYTES_RECEIVED, f.BYTES_SENT, f.DURATION, f.UPSTREAM_SERVICE_TIME, f.X_FORWARDED_FOR, f.USER_AGENT,
      f.REQUEST_ID, f.AUTHORITY, f.UPSTREAM_HOST, f.UPSTREAM_CLUSTER, f.UPSTREAM_LOCAL_ADDRESS,
      f.DOWNSTREAM_LOCAL_ADDRESS, f.DOWNSTREAM_REMOTE_ADDRESS, f.REQUESTED_SERVER_NAME,
    ];
  }

  /**
   * Any other field: `key` in the JSON object, filled by the Envoy command operator `operator` (`%…%`).
   * The operators are checked as Envoy parses them: known names, terminated, with the arguments each takes.
   */
  public static custom(key: string, operator: string): AccessLogField {
    checkString('AccessLogField.custom', 'key', key);
    checkString('AccessLogField.custom', 'operator', operator);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      throw new Error(`AccessLogField.custom: key "${key}" must start with a letter or '_' and contain letters, digits, '_', '.', '-'`);
    }
    if (checkEnvoyFormat(`AccessLogField.custom("${key}")`, operator) === 0) {
      throw new Error(`AccessLogField.custom: "${operator}" contains no Envoy command operator such as %RESPONSE_CODE% or %REQ(X-HEADER)%`);
    }
    return new AccessLogField(key, operator);
  }

  private constructor(
    /** The key in the JSON log line. */
    public readonly key: string,
    /** The Envoy command operator. */
    public readonly operator: string,
  ) {}
}

/** Log encoding. */
export enum AccessLogEncoding {
  /** One JSON object per line. */
  JSON = 'JSON',
  /** Envoy's text format. */
  TEXT = 'TEXT',
}

/**
 * Envoy access logs of every sidecar and gateway, written to the proxy's stdout.
 */
export class AccessLog {
  /**
   * JSON logs with these fields.
   * @param fields the fields; default `AccessLogField.defaults()`
   */
  public static json(fields?: AccessLogField[]): AccessLog {
    const list = checkList('AccessLog.json', 'fields', fields) ?? AccessLogField.defaults();
    list.forEach((f, i) => checkInstance('AccessLog.json', `fields[${i}]`, f, AccessLogField, 'AccessLogField.PROTOCOL'));
    if (list.length === 0) throw new Error('AccessLog.json: the field list is empty: omit it for the default fields');
    const labels: Record<string, string> = {};
    for (const f of list) {
      if (f.key in labels) throw new Error(`AccessLog.json: field "${f.key}" appears twice`);
      labels[f.key] = f.operator;
    }
    return new AccessLog(AccessLogEncoding.JSON, labels, undefined);
  }

  /**
   * Text logs. The format's command operators are checked as Envoy parses them (known names,
   * terminated, the arguments each takes; a literal `%` is written `%%`).
   * @param format an Envoy format string; default Istio's default text format
   */
  public static text(format?: string): AccessLog {
    if (format !== undefined) {
      checkString('AccessLog.text', 'format', format);
      if (format.trim() === '') throw new Error('AccessLog.text: the format is empty: omit it for Istio\'s default text format');
      checkEnvoyFormat('AccessLog.text', format);
    }
    return new AccessLog(AccessLogEncoding.TEXT, undefined, format);
  }

  private constructor(
    /** The encoding. */
    public readonly encoding: AccessLogEncoding,
    private readonly labels: Record<string, string> | undefined,
    private readonly textFormat: string | undefined,
  ) {}

  /**
   * MeshConfig `accessLogFormat`: the JSON object of operators, or the text format.
   * @internal
   */
  public _meshFormat(): string | undefined {
    return this.labels ? JSON.stringify(this.labels, undefined, 2) + '\n' : this.textFormat;
  }

  /**
   * The `logFormat` of an `envoyFileAccessLog` extension provider; undefined for Istio's default
   * text format, which the built-in `envoy` provider already writes.
   * @internal
   */
  public _providerLogFormat(): Record<string, unknown> | undefined {
    if (this.labels) return { labels: this.labels };
    return this.textFormat !== undefined ? { text: this.textFormat } : undefined;
  }
}

/**
 * Envoy's command operators (1.36, the proxy of Istio 1.30): the built-in ones, and the formatter
 * extensions Istio turns on for access logs (`METADATA`, `CEL`, `REQ_WITHOUT_QUERY`). Each name says
 * whether it takes `(arguments)`: required, optional, or none.
 */
const OPERATORS: Record<string, 'required' | 'optional' | 'none'> = {
  ...Object.fromEntries([
    'REQ', 'REQUEST_HEADER', 'RESP', 'RESPONSE_HEADER', 'TRAILER', 'RESPONSE_TRAILER', 'STREAM_INFO_REQ', 'QUERY_PARAM', 'COALESCE',
    'DYNAMIC_METADATA', 'CLUSTER_METADATA', 'UPSTREAM_METADATA', 'ENVIRONMENT', 'COMMON_DURATION', 'METADATA', 'CEL', 'REQ_WITHOUT_QUERY',
  ].map((n) => [n, 'required'])),
  ...Object.fromEntries([
    'START_TIME', 'START_TIME_LOCAL', 'EMIT_TIME', 'EMIT_TIME_LOCAL', 'FILTER_STATE', 'UPSTREAM_FILTER_STATE', 'RESPONSE_CODE_DETAILS',
    'DOWNSTREAM_PEER_CERT_V_START', 'DOWNSTREAM_PEER_CERT_V_END', 'UPSTREAM_PEER_CERT_V_START', 'UPSTREAM_PEER_CERT_V_END', 'GRPC_STATUS', 'PATH',
  ].map((n) => [n, 'optional'])),
  ...Object.fromEntries([
    'REQUEST_DURATION', 'REQUEST_TX_DURATION', 'RESPONSE_DURATION', 'RESPONSE_TX_DURATION', 'DOWNSTREAM_HANDSHAKE_DURATION', 'ROUNDTRIP_DURATION',
    'BYTES_RECEIVED', 'BYTES_RETRANSMITTED', 'PACKETS_RETRANSMITTED', 'UPSTREAM_WIRE_BYTES_RECEIVED', 'UPSTREAM_HEADER_BYTES_RECEIVED',
    'DOWNSTREAM_WIRE_BYTES_RECEIVED', 'DOWNSTREAM_HEADER_BYTES_RECEIVED', 'PROTOCOL', 'UPSTREAM_PROTOCOL', 'RESPONSE_CODE',
    'CONNECTION_TERMINATION_DETAILS', 'BYTES_SENT', 'UPSTREAM_WIRE_BYTES_SENT', 'UPSTREAM_HEADER_BYTES_SENT', 'DOWNSTREAM_WIRE_BYTES_SENT',
    'DOWNSTREAM_HEADER_BYTES_SENT', 'DURATION', 'CUSTOM_FLAGS', 'RESPONSE_FLAGS', 'RESPONSE_FLAGS_LONG', 'UPSTREAM_HOST_NAME',
    'UPSTREAM_HOST_NAME_WITHOUT_PORT', 'UPSTREAM_HOST', 'UPSTREAM_CONNECTION_ID', 'UPSTREAM_CLUSTER', 'UPSTREAM_CLUSTER_RAW',
    'UPSTREAM_LOCAL_ADDRESS', 'UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT', 'UPSTREAM_LOCAL_PORT', 'UPSTREAM_REMOTE_ADDRESS',
    'UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT', 'UPSTREAM_REMOTE_PORT', 'UPSTREAM_REQUEST_ATTEMPT_COUNT', 'UPSTREAM_TLS_CIPHER',
    'UPSTREAM_TLS_VERSION', 'UPSTREAM_TLS_SESSION_ID', 'UPSTREAM_PEER_ISSUER', 'UPSTREAM_PEER_CERT', 'UPSTREAM_PEER_SUBJECT',
    'DOWNSTREAM_LOCAL_ADDRESS', 'DOWNSTREAM_DIRECT_LOCAL_ADDRESS', 'DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT',
    'DOWNSTREAM_DIRECT_LOCAL_ADDRESS_WITHOUT_PORT', 'DOWNSTREAM_LOCAL_PORT', 'DOWNSTREAM_DIRECT_LOCAL_PORT', 'DOWNSTREAM_REMOTE_ADDRESS',
    'DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT', 'DOWNSTREAM_REMOTE_PORT', 'DOWNSTREAM_DIRECT_REMOTE_ADDRESS',
    'DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT', 'DOWNSTREAM_DIRECT_REMOTE_PORT', 'CONNECTION_ID', 'REQUESTED_SERVER_NAME', 'ROUTE_NAME',
    'UPSTREAM_PEER_URI_SAN', 'UPSTREAM_PEER_DNS_SAN', 'UPSTREAM_PEER_IP_SAN', 'UPSTREAM_LOCAL_URI_SAN', 'UPSTREAM_LOCAL_DNS_SAN',
    'UPSTREAM_LOCAL_IP_SAN', 'DOWNSTREAM_PEER_URI_SAN', 'DOWNSTREAM_PEER_DNS_SAN', 'DOWNSTREAM_PEER_IP_SAN', 'DOWNSTREAM_PEER_EMAIL_SAN',
    'DOWNSTREAM_PEER_OTHERNAME_SAN', 'DOWNSTREAM_LOCAL_URI_SAN', 'DOWNSTREAM_LOCAL_DNS_SAN', 'DOWNSTREAM_LOCAL_IP_SAN',
    'DOWNSTREAM_LOCAL_EMAIL_SAN', 'DOWNSTREAM_LOCAL_OTHERNAME_SAN', 'DOWNSTREAM_PEER_SUBJECT', 'DOWNSTREAM_LOCAL_SUBJECT',
    'DOWNSTREAM_TLS_SESSION_ID', 'DOWNSTREAM_TLS_CIPHER', 'DOWNSTREAM_TLS_VERSION', 'DOWNSTREAM_PEER_FINGERPRINT_256',
    'DOWNSTREAM_PEER_FINGERPRINT_1', 'DOWNSTREAM_PEER_SERIAL', 'DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_256', 'DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_1',
    'DOWNSTREAM_PEER_CHAIN_SERIALS', 'DOWNSTREAM_PEER_ISSUER', 'DOWNSTREAM_PEER_CERT', 'DOWNSTREAM_TRANSPORT_FAILURE_REASON',
    'UPSTREAM_TRANSPORT_FAILURE_REASON', 'HOSTNAME', 'FILTER_CHAIN_NAME', 'VIRTUAL_CLUSTER_NAME', 'TLS_JA3_FINGERPRINT', 'UNIQUE_ID',
    'STREAM_ID', 'UPSTREAM_CONNECTION_POOL_READY_DURATION', 'LOCAL_REPLY_BODY', 'ACCESS_LOG_TYPE', 'GRPC_STATUS_NUMBER',
    'REQUEST_HEADERS_BYTES', 'RESPONSE_HEADERS_BYTES', 'RESPONSE_TRAILERS_BYTES', 'TRACE_ID',
  ].map((n) => [n, 'none'])),
};

/** An operator as Envoy's format parser reads it: `%NAME%`, `%NAME(args)%`, `%NAME(args):length%`. */
const OPERATOR = /^%([A-Z0-9_]+)(\([^)]*\))?(:[0-9]+)?%/;

/**
 * Checks the command operators of an Envoy format string as Envoy parses it (`%%` is a literal
 * `%`); throws with `what` and the offending operator. Returns the number of operators.
 * @internal
 */
export function checkEnvoyFormat(what: string, format: string): number {
  let count = 0;
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') continue;
    if (format[i + 1] === '%') {
      i++;
      continue;
    }
    const m = OPERATOR.exec(format.slice(i));
    if (!m) {
      const end = format.indexOf('%', i + 1);
      const text = end < 0 ? format.slice(i) : format.slice(i, end + 1);
      throw new Error(`${what}: "${text}" at position ${i} is not a command operator${end < 0 ? ' (no closing %)' : ''}: Envoy rejects the format. `
        + 'Operators read %NAME%, %NAME(argument)% or %NAME(argument):length%, in upper case; write a literal % as %%');
    }
    const [op, name, args, length] = m;
    const kind = OPERATORS[name];
    if (!kind) {
      throw new Error(`${what}: ${op} is not an Envoy command operator, and Envoy rejects the format (Not supported field): use one of Envoy's operators, e.g. %RESPONSE_CODE%, %REQ(X-HEADER)%, %DURATION%`);
    }
    if (kind === 'required' && (!args || args === '()')) throw new Error(`${what}: ${op} needs an argument, e.g. %${name}(X-REQUEST-ID)%`);
    if (kind === 'none' && (args || length)) throw new Error(`${what}: ${op}: %${name}% takes no argument or length: write %${name}%`);
    count++;
    i += op.length - 1;
  }
  return count;
}
