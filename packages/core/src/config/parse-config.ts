import { z } from 'zod';
import { SteerableError } from '../errors.js';
import { nearestName } from './nearest-name.js';

export interface ParseConfigOptions {
  /** The file the config came from, named in the error. */
  file?: string;
  /** Prepended to every field path (e.g. `training` when the schema is one section of a run config). */
  fieldPrefix?: string;
  /** How to see the valid shape, appended to the fix (e.g. "see --list-presets --json"). */
  reference?: string;
}

/**
 * Validates a config against a library's schema. The first problem becomes a SteerableError that
 * names the file and the dotted field path; an unknown key (schemas are strict) names the nearest
 * valid key, so a misspelt option is refused with the fix instead of being silently dropped.
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, options: ParseConfigOptions = {}): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw configError(schema, input, parsed.error, options);
}

/** The SteerableError for a failed parse (exported for callers that use safeParse themselves). */
export function configError(schema: z.ZodType, input: unknown, error: z.ZodError, options: ParseConfigOptions = {}): SteerableError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String);
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  const reference = options.reference ? `; ${options.reference}` : '';
  const location = { ...(options.file ? { file: options.file } : {}) };
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = knownKeysAt(schema, issue.path, input);
    const nearest = nearestName(key, known);
    const field = joinField(options.fieldPrefix, [...path, key]);
    const parent = joinField(options.fieldPrefix, path);
    return new SteerableError('invalid-config', `unknown key '${key}'${parent ? ` in '${parent}'` : ''}${more}`, {
      ...location,
      field,
      hint: `${nearest ? `did you mean '${nearest}'? ` : ''}valid keys here: ${known.join(', ') || '(none)'}${reference}`,
    });
  }
  const field = joinField(options.fieldPrefix, path);
  const value = valueAt(input, issue.path);
  const message = value === undefined && issue.code === 'invalid_type' ? `is missing (${issue.message})` : `${issue.message} (got ${describeValue(value)})`;
  return new SteerableError('invalid-config', `${message}${more}`, {
    ...location,
    ...(field ? { field } : {}),
    hint: `fix this field${reference}`,
  });
}

function joinField(prefix: string | undefined, path: readonly string[]): string {
  return [...(prefix ? [prefix] : []), ...path].join('.');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * The keys an object schema accepts at `path`, following the input through wrappers, arrays,
 * records and unions (a discriminated union picks the option the input's discriminator selects).
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  let current: z.ZodType | undefined = schema;
  let value = input;
  for (const key of path) {
    current = objectLike(current, value);
    if (!current) return [];
    current = childSchema(current, key);
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  const object = objectLike(current, value);
  return object instanceof z.ZodObject ? Object.keys(object.shape) : [];
}

/** Unwraps optional/default/nullable/pipe/lazy wrappers and resolves unions against the value. */
function objectLike(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 32; depth++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodReadonly ||
      current instanceof z.ZodCatch
    ) {
      current = (current.def as unknown as { innerType: z.ZodType }).innerType;
    } else if (current instanceof z.ZodPipe) {
      current = current.def.in as z.ZodType;
    } else if (current instanceof z.ZodLazy) {
      current = current.def.getter() as z.ZodType;
    } else if (current instanceof z.ZodUnion) {
      const options = current.def.options as z.ZodType[];
      current =
        options.find((option) => option.safeParse(value).success) ??
        options.find((option) => matchesDiscriminator(current as z.ZodUnion, option, value)) ??
        options[0];
      if (current instanceof z.ZodUnion) continue;
    } else {
      return current;
    }
  }
  return current;
}

function matchesDiscriminator(union: z.ZodUnion, option: z.ZodType, value: unknown): boolean {
  const discriminator = (union.def as { discriminator?: string }).discriminator;
  if (!discriminator || !(option instanceof z.ZodObject) || value === null || typeof value !== 'object') return false;
  const tag = option.shape[discriminator] as z.ZodType | undefined;
  return tag?.safeParse((value as Record<string, unknown>)[discriminator]).success ?? false;
}

function childSchema(schema: z.ZodType, key: PropertyKey): z.ZodType | undefined {
  if (schema instanceof z.ZodObject) return (schema.shape as Record<string, z.ZodType>)[String(key)] ?? (schema.def.catchall as z.ZodType | undefined);
  if (schema instanceof z.ZodArray) return schema.element as z.ZodType;
  if (schema instanceof z.ZodTuple) return (schema.def.items as z.ZodType[])[Number(key)] ?? (schema.def.rest as z.ZodType | undefined) ?? undefined;
  if (schema instanceof z.ZodRecord) return schema.def.valueType as z.ZodType;
  return undefined;
}
