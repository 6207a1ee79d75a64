/**
 * A small schema builder: each custom resource type is written once with it, and both the
 * TypeScript type (through `Infer`) and the CRD's OpenAPI v3 structural schema come from that
 * one definition, so the two cannot drift apart.
 *
 * Only the parts of OpenAPI v3 that Kubernetes accepts in a structural schema are produced
 * (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema).
 */

/** One CEL rule, rendered as an entry of `x-kubernetes-validations`. */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
  /** A field path (like `.maxReplicas`) the error is reported on. */
  readonly fieldPath?: string;
  readonly reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

/** The JSON of an OpenAPI v3 schema node as a CRD carries it. */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema;
  enum?: readonly (string | number)[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-validations'?: CelRule[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  anyOf?: JsonSchema[];
}

/** A schema node carrying its TypeScript type `T`; `Opt` says whether the field may be left out. */
export class Schema<T, Opt extends boolean = false> {
  /** Phantom field: only here so TypeScript keeps `T` and `Opt`. */
  declare readonly __type: T;
  declare readonly __optional: Opt;

  constructor(
    readonly json: JsonSchema,
    readonly isOptional: Opt,
  ) {}

  /** The field may be absent. */
  optional(): Schema<T, true> {
    return new Schema<T, true>(this.json, true);
  }

  /** The API server fills the value in when absent; the field is optional to writers. */
  default(value: T): Schema<T, true> {
    return new Schema<T, true>({ ...this.json, default: value }, true);
  }

  /** Documentation shown by `kubectl explain`. */
  describe(description: string): Schema<T, Opt> {
    return new Schema<T, Opt>({ ...this.json, description }, this.isOptional);
  }

  /** Adds CEL rules checked by the API server at admission. */
  rules(...rules: CelRule[]): Schema<T, Opt> {
    const existing = this.json['x-kubernetes-validations'] ?? [];
    return new Schema<T, Opt>({ ...this.json, 'x-kubernetes-validations': [...existing, ...rules] }, this.isOptional);
  }
}

/** Any schema node. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySchema = Schema<any, boolean>;

/** The TypeScript type of a schema node. */
export type Infer<S> = S extends Schema<infer T, boolean> ? T : never;

type Shape = Record<string, AnySchema>;
type OptionalKeys<P extends Shape> = { [K in keyof P]: P[K] extends Schema<unknown, true> ? K : never }[keyof P];
type RequiredKeys<P extends Shape> = Exclude<keyof P, OptionalKeys<P>>;
type Flatten<T> = { [K in keyof T]: T[K] } & {};
/** The object type of a shape: optional nodes become optional properties. */
export type ObjectOf<P extends Shape> = Flatten<
  { [K in RequiredKeys<P>]: Infer<P[K]> } & { [K in OptionalKeys<P>]?: Infer<P[K]> }
>;

interface StringOpts {
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: string;
}
interface NumberOpts {
  minimum?: number;
  maximum?: number;
}
interface ArrayOpts {
  minItems?: number;
  maxItems?: number;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
}

function clean<O extends object>(o: O): Partial<O> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<O>;
}

/** Schema builders. */
export const s = {
  string(opts: StringOpts = {}): Schema<string> {
    return new Schema({ type: 'string', ...clean(opts) }, false);
  },
  integer(opts: NumberOpts = {}): Schema<number> {
    return new Schema({ type: 'integer', ...clean(opts) }, false);
  },
  number(opts: NumberOpts = {}): Schema<number> {
    return new Schema({ type: 'number', ...clean(opts) }, false);
  },
  boolean(): Schema<boolean> {
    return new Schema({ type: 'boolean' }, false);
  },
  enum<const V extends readonly string[]>(values: V): Schema<V[number]> {
    return new Schema({ type: 'string', enum: values }, false);
  },
  /** A Kubernetes quantity such as `500m` or `256Mi` (an int-or-string). */
  quantity(): Schema<string | number> {
    return new Schema(
      {
        'x-kubernetes-int-or-string': true,
        anyOf: [{ type: 'integer' }, { type: 'string' }],
        pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
      },
      false,
    );
  },
  array<I extends AnySchema>(item: I, opts: ArrayOpts = {}): Schema<Infer<I>[]> {
    const json: JsonSchema = { type: 'array', items: item.json, ...clean({ minItems: opts.minItems, maxItems: opts.maxItems }) };
    if (opts.listType) json['x-kubernetes-list-type'] = opts.listType;
    if (opts.listMapKeys) json['x-kubernetes-list-map-keys'] = opts.listMapKeys;
    return new Schema(json, false);
  },
  /** A string-keyed map with values of one schema. */
  map<V extends AnySchema>(value: V, opts: { maxProperties?: number } = {}): Schema<Record<string, Infer<V>>> {
    return new Schema({ type: 'object', additionalProperties: value.json, ...clean(opts) }, false);
  },
  object<P extends Shape>(shape: P): Schema<ObjectOf<P>> {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [key, node] of Object.entries(shape)) {
      properties[key] = node.json;
      if (!node.isOptional) required.push(key);
    }
    const json: JsonSchema = { type: 'object', properties };
    if (required.length > 0) json.required = required;
    return new Schema(json, false);
  },
  /** Free-form JSON kept as is (used for Kubernetes types we pass through). */
  preserve(): Schema<Record<string, unknown>> {
    return new Schema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, false);
  },
};
