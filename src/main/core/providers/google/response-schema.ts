import { GatewayError } from '../../../../shared/errors.js';
import type { JsonSchemaObject } from './gemini-request-types.js';

/**
 * The JSON Schema keywords Gemini's `responseJsonSchema` honours (GenerationConfig docs).
 * Anything else would be silently ignored upstream, so the answer could break the schema
 * the client asked for; such keywords are refused with a 400 instead.
 */
const SUPPORTED = new Set([
  '$id', '$defs', '$ref', '$anchor', 'type', 'format', 'title', 'description', 'enum', 'items', 'prefixItems',
  'minItems', 'maxItems', 'minimum', 'maximum', 'anyOf', 'oneOf', 'properties', 'additionalProperties', 'required',
  'propertyOrdering',
]);

/** Annotations that constrain nothing: dropping them loses no guarantee. */
const ANNOTATIONS = new Set(['$schema', '$comment', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly']);

const SCHEMA_MAPS = new Set(['properties', '$defs']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'prefixItems']);

function isObject(value: unknown): value is JsonSchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unsupported(keyword: string, path: string): GatewayError {
  return new GatewayError(
    400,
    'unsupported_parameter',
    `response_format.json_schema uses "${keyword}" at ${path}, which Gemini's structured output cannot enforce; remove it or describe the constraint in "description"`,
    { param: 'response_format', keyword, path },
  );
}

function convertMap(value: unknown, path: string): JsonSchemaObject {
  if (!isObject(value)) return {};
  const out: JsonSchemaObject = {};
  for (const [name, schema] of Object.entries(value)) out[name] = convertSchema(schema, `${path}.${name}`);
  return out;
}

/**
 * A JSON Schema as Gemini's responseJsonSchema: draft-07 `definitions` become `$defs` (refs
 * rewritten), `const` becomes a one-value `enum`, annotations are dropped, and keywords Gemini
 * cannot enforce are a 400 naming the keyword and where it is.
 */
export function convertSchema(schema: unknown, path = '$'): unknown {
  if (!isObject(schema)) return schema;
  const out: JsonSchemaObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    if (keyword === 'definitions' || keyword === '$defs') {
      out.$defs = { ...(isObject(out.$defs) ? out.$defs : {}), ...convertMap(value, `${path}.${keyword}`) };
    } else if (keyword === 'const') {
      out.enum = [value];
    } else if (keyword === '$ref' && typeof value === 'string') {
      out.$ref = value.replace(/^#\/definitions\//, '#/$defs/');
    } else if (SCHEMA_MAPS.has(keyword)) {
      out[keyword] = convertMap(value, `${path}.${keyword}`);
    } else if (SCHEMA_LISTS.has(keyword)) {
      out[keyword] = Array.isArray(value) ? value.map((s, i) => convertSchema(s, `${path}.${keyword}[${i}]`)) : value;
    } else if (keyword === 'items' || keyword === 'additionalProperties') {
      out[keyword] = convertSchema(value, `${path}.${keyword}`);
    } else if (SUPPORTED.has(keyword)) {
      out[keyword] = value;
    } else {
      throw unsupported(keyword, path);
    }
  }
  return out;
}
