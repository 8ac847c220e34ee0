// What the inspector needs to draw a kind's parameter form, read from the kind's zod schema (via JSON Schema),
// so the schema stays the single source of truth for defaults, ranges, options and help text.
import { z } from 'zod';
import type { NodeKind } from './kind.ts';
import { nodeCatalog, type NodeCatalog } from './catalog.ts';

export interface ParamDescription {
  name: string;
  type: 'number' | 'integer' | 'boolean' | 'enum' | 'string';
  description: string;
  default: unknown;
  /** Lowest allowed value; `minExclusive` says whether the bound itself is excluded. */
  min?: number;
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
  /** The allowed values of an enum. */
  options?: string[];
}

interface JsonSchemaProperty {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

const cache = new WeakMap<NodeKind, ParamDescription[]>();

export function describeKindParams(kind: NodeKind): ParamDescription[] {
  const cached = cache.get(kind);
  if (cached) return cached;
  const schema = z.toJSONSchema(kind.params, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchemaProperty>;
  };
  const described = Object.entries(schema.properties ?? {}).map(([name, property]) => describeProperty(name, property));
  cache.set(kind, described);
  return described;
}

/** The parameter form of a kind by name; throws for an unknown kind. */
export function describeParams(kind: string, catalog: NodeCatalog = nodeCatalog): ParamDescription[] {
  const found = catalog.get(kind);
  if (!found) throw new Error(`Unknown node kind "${kind}"; known kinds: ${[...catalog.keys()].join(', ')}.`);
  return describeKindParams(found);
}

function describeProperty(name: string, p: JsonSchemaProperty): ParamDescription {
  const type: ParamDescription['type'] = p.enum
    ? 'enum'
    : p.type === 'integer' || p.type === 'number' || p.type === 'boolean'
      ? p.type
      : 'string';
  const out: ParamDescription = { name, type, description: p.description ?? '', default: p.default };
  if (p.enum) out.options = p.enum.map(String);
  if (p.minimum !== undefined) out.min = p.minimum;
  if (p.exclusiveMinimum !== undefined) Object.assign(out, { min: p.exclusiveMinimum, minExclusive: true });
  if (p.maximum !== undefined) out.max = p.maximum;
  if (p.exclusiveMaximum !== undefined) Object.assign(out, { max: p.exclusiveMaximum, maxExclusive: true });
  return out;
}

/** "between 0 and 1 (both excluded)", "at least 1": the allowed range in words, for messages. */
export function describeRange(param: ParamDescription): string | undefined {
  const low = param.min === undefined ? undefined : `${param.min}${param.minExclusive ? ' (excluded)' : ''}`;
  const high = param.max === undefined ? undefined : `${param.max}${param.maxExclusive ? ' (excluded)' : ''}`;
  if (low && high) {
    if (param.minExclusive && param.maxExclusive) return `between ${param.min} and ${param.max} (both excluded)`;
    return `between ${low} and ${high}`;
  }
  if (low) return param.minExclusive ? `greater than ${param.min}` : `at least ${param.min}`;
  if (high) return param.maxExclusive ? `less than ${param.max}` : `at most ${param.max}`;
  return undefined;
}
