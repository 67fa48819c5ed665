/**
 * Generates invalid request bodies from a valid one: each field of a route's shape description
 * is mutated alone (wrong types, null, missing, oversize, control characters, unknown nested
 * keys, out-of-range numbers, foreign or unknown ids), so a rejection can only come from it.
 */

export type Kind =
  | { kind: 'text'; max: number; min?: number; trim?: boolean; control?: 'all' | 'noWhitespace' | 'none'; bad?: unknown[] }
  | { kind: 'enum'; values: readonly string[]; bad?: unknown[] }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'bool' }
  /** A uuid reference; `checked` ones must name a row of the caller's organization (foreign or unknown → 422). */
  | { kind: 'id'; checked: boolean }
  | { kind: 'object'; fields: Record<string, Field> }
  | { kind: 'array'; item: Field; min?: number; max: number }
  /** Any value is refused (a field that exists only to explain why it cannot be sent). */
  | { kind: 'never'; samples: unknown[] };

export type Field = Kind & {
  required?: boolean;
  /** null is a valid value (clears or means "none"), so it is not a bad one. */
  nullOk?: boolean;
  /** Further bad values with the status they must get (default 422) and the field reported (default this one). */
  extra?: { label: string; value: unknown; status?: number; field?: string }[];
};

export interface Mutation {
  label: string;
  body: unknown;
  status: number;
  /** A `details[].field` that must be reported (exactly, or a nested path below it). */
  field?: string;
}

const MISSING = Symbol('missing');

/** Characters no text field should accept; tab and newline too, unless the field strips whitespace. */
const CONTROL_ALL = ['\u0000', '\u0007', '\u001b', '\u007f', '\n', '\t'];
const CONTROL_NO_WS = ['\u0000', '\u0007', '\u001b', '\u007f'];
const visible = (s: string) => JSON.stringify(s).slice(1, -1);

const KB10 = 'x'.repeat(10 * 1024);
const KB200 = 'y'.repeat(200 * 1024);

/** Deep copy of `base` with `path` set to `value` (or removed). */
export function withValue(base: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path.at(-1)!;
  if (value === MISSING) delete node[last];
  else node[last] = value;
  return copy;
}

function valueAt(base: unknown, path: (string | number)[]): unknown {
  let node = base as any;
  for (const key of path) node = node?.[key];
  return node;
}

interface Ctx {
  /** An id of another organization, for checked references. */
  foreignId: string;
  /** A well-formed id that names nothing. */
  unknownId: string;
}

function* badValues(field: Field, sample: unknown, ctx: Ctx, dotted: string): Generator<[string, unknown, number?, string?]> {
  if (field.required) yield ['missing', MISSING];
  if (!field.nullOk) yield ['null', null];
  switch (field.kind) {
    case 'text': {
      yield* [
        ['a number', 12345],
        ['a boolean', true],
        ['an empty array', []],
        ['an object', {}],
        ['an array of strings', ['ab']],
      ] as [string, unknown][];
      if ((field.min ?? 0) > 0) {
        yield ['an empty string', ''];
        if (field.trim) yield ['only spaces', '   '];
      }
      if (field.max < KB10.length) {
        yield ['10 kB', KB10];
        yield ['200 kB', KB200];
      }
      const chars = field.control === 'none' ? [] : field.control === 'noWhitespace' ? CONTROL_NO_WS : CONTROL_ALL;
      const s = typeof sample === 'string' && sample.length >= 2 ? sample : 'ab';
      const mid = Math.floor(s.length / 2);
      for (const c of chars) yield [`control character ${visible(c)}`, s.slice(0, mid) + c + s.slice(mid)];
      for (const v of field.bad ?? []) yield [`bad value ${JSON.stringify(v).slice(0, 40)}`, v];
      break;
    }
    case 'enum': {
      const first = field.values[0]!;
      yield* [
        ['a number', 1],
        ['a boolean', true],
        ['an array', [first]],
        ['an object', { value: first }],
        ['an unknown value', 'not_a_value'],
        ['an empty string', ''],
        ['10 kB', KB10],
      ] as [string, unknown][];
      if (first.toUpperCase() !== first) yield ['upper case', first.toUpperCase()];
      yield ['with a trailing space', `${first} `];
      for (const v of field.bad ?? []) yield [`bad value ${JSON.stringify(v)}`, v];
      break;
    }
    case 'int':
      yield* [
        ['a numeric string', String(field.min)],
        ['a boolean', true],
        ['an array', [field.min]],
        ['an object', {}],
        ['a fraction', field.min + 0.5],
        ['below the minimum', field.min - 1],
        ['above the maximum', field.max + 1],
        ['huge', 1e308],
        ['hugely negative', -1e308],
        ['beyond 2^53', 2 ** 53 + 2],
      ] as [string, unknown][];
      break;
    case 'bool':
      yield* [
        ['the string "true"', 'true'],
        ['1', 1],
        ['0', 0],
        ['"yes"', 'yes'],
        ['an array', [true]],
        ['an object', {}],
      ] as [string, unknown][];
      break;
    case 'id':
      yield* [
        ['not a uuid', 'not-a-uuid'],
        ['a number', 42],
        ['an empty string', ''],
        ['a uuid with one character too many', `${ctx.unknownId}0`],
        ['a uuid with a NUL inside', `${ctx.unknownId.slice(0, 8)}\u0000${ctx.unknownId.slice(9)}`],
        ['an object', { id: ctx.unknownId }],
        ['10 kB', KB10],
      ] as [string, unknown][];
      if (field.checked) {
        yield ["another organization's id", ctx.foreignId];
        yield ['an id that names nothing', ctx.unknownId];
      }
      break;
    case 'object':
      yield* [
        ['a string', 'text'],
        ['a number', 1],
        ['an array', [sample ?? {}]],
        ['a boolean', true],
      ] as [string, unknown][];
      yield ['with an unknown key', { ...((sample as object) ?? {}), evil: 1 }, 422, `${dotted}.evil`];
      yield ['with an organization_id key', { ...((sample as object) ?? {}), organization_id: ctx.foreignId }, 422, `${dotted}.organization_id`];
      break;
    case 'array': {
      const item = Array.isArray(sample) ? sample[0] : undefined;
      yield* [
        ['an object', {}],
        ['a string', 'text'],
        ['a number', 1],
        ['an array with null', [null]],
        ['an array with a number', [1]],
        ['an array with a string', ['x']],
      ] as [string, unknown][];
      if ((field.min ?? 0) > 0) yield ['an empty array', []];
      yield [`${field.max + 1} items`, Array.from({ length: field.max + 1 }, () => item ?? {})];
      break;
    }
    case 'never':
      for (const v of field.samples) yield [`any value (${JSON.stringify(v)})`, v];
      break;
  }
  for (const e of field.extra ?? []) yield [e.label, e.value, e.status, e.field];
}

/** Every single-field mutation of `base` described by `shape`, recursing into objects and the first array item. */
export function mutations(base: Record<string, unknown>, shape: Record<string, Field>, ctx: Ctx): Mutation[] {
  const out: Mutation[] = [];
  const walk = (fields: Record<string, Field>, prefix: (string | number)[]) => {
    for (const [key, field] of Object.entries(fields)) {
      const path = [...prefix, key];
      const dotted = path.join('.');
      const sample = valueAt(base, path);
      for (const [label, value, status, reported] of badValues(field, sample, ctx, dotted)) {
        out.push({ label: `${dotted}: ${label}`, body: withValue(base, path, value), status: status ?? 422, field: reported ?? dotted });
      }
      if (field.kind === 'object' && sample && typeof sample === 'object') walk(field.fields, path);
      if (field.kind === 'array' && Array.isArray(sample) && sample.length > 0 && field.item.kind === 'object') walk(field.item.fields, [...path, 0]);
    }
  };
  walk(shape, []);
  return out;
}
