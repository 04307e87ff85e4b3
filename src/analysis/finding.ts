/** How serious a finding is. */
export enum Severity {
  /** The mesh will not work as written: synth fails. */
  ERROR = 'Error',
  /** Probably a mistake: printed, synth goes on. */
  WARNING = 'Warning',
  /** Worth knowing. */
  INFO = 'Info',
}

/** One problem found in a set of Kubernetes / Istio objects. */
export interface Finding {
  /**
   * Istio analyzer code (`IST0101`), Kiali code (`KIA0101`), or this library's code for checks
   * Istio has no code for (`SCHEMA` for the CRD / Kubernetes schema, `DUPLICATE` for two objects
   * with the same kind, namespace and name).
   */
  readonly code: string;
  /** Severity. */
  readonly severity: Severity;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** The object, as `Kind namespace/name`. */
  readonly resource: string;
  /**
   * Construct path of the object, when it was built in a cdk8s app.
   * @default - not from a construct tree (e.g. a YAML file)
   */
  readonly path?: string;
  /**
   * File the object came from, when analyzed from YAML files.
   * @default - not from a file
   */
  readonly file?: string;
}
