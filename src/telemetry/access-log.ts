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

  /** Any other field: `key` in the JSON object, filled by the Envoy command operator `operator` (`%…%`). */
  public static custom(key: string, operator: string): AccessLogField {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      throw new Error(`AccessLogField.custom: key "${key}" must start with a letter or '_' and contain letters, digits, '_', '.', '-'`);
    }
    if (!/%[A-Z_]+(\([^)]*\))?(:[0-9]+)?%/.test(operator)) {
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
    const list = fields ?? AccessLogField.defaults();
    if (list.length === 0) throw new Error('AccessLog.json: the field list is empty: omit it for the default fields');
    const labels: Record<string, string> = {};
    for (const f of list) {
      if (f.key in labels) throw new Error(`AccessLog.json: field "${f.key}" appears twice`);
      labels[f.key] = f.operator;
    }
    return new AccessLog(AccessLogEncoding.JSON, labels, undefined);
  }

  /**
   * Text logs.
   * @param format an Envoy format string; default Envoy's / Istio's default text format
   */
  public static text(format?: string): AccessLog {
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
   * The `logFormat` of an `envoyFileAccessLog` extension provider.
   * @internal
   */
  public _providerLogFormat(): Record<string, unknown> | undefined {
    if (this.labels) return { labels: this.labels };
    return this.textFormat ? { text: this.textFormat } : undefined;
  }
}
