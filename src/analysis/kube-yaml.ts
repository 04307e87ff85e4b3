// YAML read the way kubectl reads it: sigs.k8s.io/yaml turns YAML into JSON with go-yaml v2's
// resolution of plain scalars (YAML 1.1 booleans and octals, but no sexagesimal numbers, `.` a
// string, `0o17` an octal), keeps timestamps as strings, and its scanner keeps a `:` that a flow
// indicator follows inside a plain scalar (`[2001:db8::]` is one string). The API server then
// drops fields whose value is null (built-in kinds decode null as absent, CRDs prune it).
import { LineCounter, Scalar, YAMLMap, isMap, isScalar, isSeq, parseAllDocuments, visit } from 'yaml';

const BOOLEANS: Record<string, boolean> = {};
for (const t of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) BOOLEANS[t] = true;
for (const f of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) BOOLEANS[f] = false;
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN,
  '.NaN': NaN,
  '.NAN': NaN,
  '.inf': Infinity,
  '.Inf': Infinity,
  '.INF': Infinity,
  '+.inf': Infinity,
  '+.Inf': Infinity,
  '+.INF': Infinity,
  '-.inf': -Infinity,
  '-.Inf': -Infinity,
  '-.INF': -Infinity,
};
/** Go's `strconv.ParseInt(s, 0, 64)` syntax: hex, octal (`0o17`, `017`), binary, decimal. */
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml v2's `yamlStyleFloat`. */
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const STR_TAG = 'tag:yaml.org,2002:str';
const TYPE_TAGS = new Set(['tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:null']);

/** go-yaml v2's `resolve` of an untagged plain scalar, as sigs.k8s.io/yaml passes it into JSON. */
export function resolvePlainScalar(text: string): unknown {
  if (text in BOOLEANS) return BOOLEANS[text];
  if (NULLS.has(text)) return null;
  if (text in SPECIAL_FLOATS) return SPECIAL_FLOATS[text];
  const first = text[0];
  if (first === '.') return /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : text;
  if (!/[-+0-9]/.test(first)) return text;
  const plain = text.replace(/_/g, '');
  if (GO_INT.test(plain)) {
    const digits = plain.replace(/^[-+]/, '');
    // Go reads a leading 0 as octal; BigInt wants the 0o prefix for that.
    const value = BigInt(/^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits.toLowerCase()) * (plain.startsWith('-') ? -1n : 1n);
    // Beyond 64 bits Go fails the integer parse and falls through to the float one.
    if (value >= -(2n ** 63n) && value < 2n ** 64n) return Number(value);
  }
  return YAML_FLOAT.test(plain) ? Number(plain) : text;
}

/** A JSON object key from a resolved key, as sigs.k8s.io/yaml writes non-string keys. */
function keyText(value: unknown, text: string): string {
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return text;
}

/** A document as kubectl reads it, with where it (and each entry of its `items`) starts in the text. */
export interface KubeDocument {
  readonly value: any;
  readonly start?: number;
  readonly itemStarts?: (number | undefined)[];
}

/**
 * The documents of a YAML stream as kubectl reads them (see the file comment); null-valued fields
 * are dropped as the API server drops them. Throws on YAML syntax errors.
 */
export function readKubeYaml(text: string, lineCounter?: LineCounter): KubeDocument[] {
  const out: KubeDocument[] = [];
  for (const doc of parseAllDocuments(text, { schema: 'failsafe', merge: true, lineCounter })) {
    if (doc.errors.length) throw doc.errors[0];
    visit(doc, {
      Map(_key, map, path) {
        const parent = path[path.length - 1];
        const colon = isSeq(parent) && parent.flow ? flowScalarWithColon(map, text) : undefined;
        return colon;
      },
      Scalar(key, scalar) {
        scalar.value = resolveScalar(scalar);
        if (key === 'key') scalar.value = keyText(scalar.value, String(scalar.source ?? ''));
      },
    });
    const items = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
    out.push({
      value: doc.toJS({
        // Null fields are absent to the API server; null list items stay.
        reviver(this: unknown, _k: unknown, v: unknown) {
          return v === null && !Array.isArray(this) ? undefined : v;
        },
      }),
      start: (doc.contents as { range?: number[] } | null)?.range?.[0],
      itemStarts: isSeq(items) ? items.items.map((item) => (item as { range?: number[] } | null)?.range?.[0]) : undefined,
    });
  }
  return out;
}

function resolveScalar(scalar: Scalar): unknown {
  const text = String(scalar.value ?? '');
  if (scalar.tag === STR_TAG) return text;
  if (scalar.tag && TYPE_TAGS.has(scalar.tag)) return resolvePlainScalar(text);
  // Quoted and block scalars are strings; so are scalars with other tags.
  return scalar.type === 'PLAIN' && !scalar.tag ? resolvePlainScalar(text) : text;
}

/**
 * go-yaml's scanner keeps a `:` that a flow indicator follows in a plain scalar, where the YAML
 * 1.2 parser reads a one-pair mapping `{ "2001:db8:": null }` in `[2001:db8::]`: that item as the
 * scalar go-yaml reads.
 */
function flowScalarWithColon(map: YAMLMap, text: string): Scalar | undefined {
  if (!map.flow || map.items.length !== 1 || !map.range || text[map.range[0]] === '{') return undefined;
  const { key, value } = map.items[0] as { key: unknown; value: unknown };
  if (!isScalar(key) || key.type !== 'PLAIN' || !key.range || key.tag) return undefined;
  if (value !== null && !(isScalar(value) && value.source === '' && value.type === 'PLAIN')) return undefined;
  if (text.slice(key.range[1], map.range[1]).trim() !== ':' || isMap(value)) return undefined;
  return new Scalar(`${String(key.source)}:`);
}
