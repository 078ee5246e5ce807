/**
 * Holds the node's output to its committed output schemas (scripts/schemas.ts). Every run through
 * the engine helper checks its output items here, so the schemas are tested against everything
 * the sandbox's replies produce through n8n's engine, in every test.
 */
import { existsSync, readFileSync } from 'fs';
import { join, relative } from 'path';

import type { JsonSchema } from '../../scripts/schemas';
import { NODE_SCHEMA_DIR, ROOT } from '../../scripts/schemas';

/**
 * Where the value disagrees with the schema: a missing required field, a field the schema does not
 * list (unless it allows others), or a value of another type. Stricter than JSON Schema's default
 * on purpose: a field the sandbox outputs that users cannot see before a run is a disagreement too.
 */
export function disagreements(value: unknown, schema: JsonSchema, at = '$'): string[] {
	const found: string[] = [];
	const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
	const allowed = schema.type === undefined ? undefined : [schema.type].flat();
	if (allowed && !allowed.includes(type as never)) {
		return [
			`${at} is ${type} (${JSON.stringify(value)?.slice(0, 60)}), the schema says ${allowed.join(' or ')}`,
		];
	}
	if (schema.enum && !schema.enum.includes(value as never)) {
		found.push(`${at} is ${JSON.stringify(value)}, not one of ${schema.enum.join(', ')}`);
	}
	if (type === 'object' && schema.properties) {
		const object = value as Record<string, unknown>;
		for (const key of schema.required ?? []) {
			if (!(key in object)) found.push(`${at}.${key} is missing`);
		}
		for (const [key, field] of Object.entries(object)) {
			const fieldSchema = schema.properties[key];
			if (fieldSchema) found.push(...disagreements(field, fieldSchema, `${at}.${key}`));
			else if (schema.additionalProperties !== true)
				found.push(`${at}.${key} is not in the schema`);
		}
	}
	if (type === 'array' && schema.items) {
		(value as unknown[]).forEach((element, index) =>
			found.push(...disagreements(element, schema.items!, `${at}[${index}]`)),
		);
	}
	return found;
}

export function schemaPath(resource: string, operation: string): string {
	return join(NODE_SCHEMA_DIR, resource, `${operation}.json`);
}

const cache = new Map<string, JsonSchema>();

export function operationSchema(resource: string, operation: string): JsonSchema {
	const path = schemaPath(resource, operation);
	if (!cache.has(path)) {
		if (!existsSync(path)) {
			throw new Error(`${resource}.${operation} has no output schema (${relative(ROOT, path)})`);
		}
		cache.set(path, JSON.parse(readFileSync(path, 'utf8')) as JsonSchema);
	}
	return cache.get(path)!;
}

/** Sandbox routes a test replaced with its own replies (helpers/faults.ts overrideRoute). */
export const overriddenRoutes = new Set<string>();

/** Operations whose output this test process checked; the coverage check needs all of them. */
export const schemaChecked = new Set<string>();

export const SCHEMA_CHECK_PREFIX = 'output schema ';

/** Throws when an output item disagrees with its operation's schema. */
export function checkOutputSchema(
	resource: string,
	operation: string,
	items: Array<{ json: unknown }>,
	skipErrorItems: boolean,
) {
	const schema = operationSchema(resource, operation);
	const problems = items.flatMap((item, index) =>
		skipErrorItems && (item.json as Record<string, unknown>).error !== undefined
			? []
			: disagreements(item.json, schema).map((problem) => `item ${index}: ${problem}`),
	);
	if (problems.length) {
		throw new Error(
			`The output of ${resource} → ${operation} disagrees with ${relative(ROOT, schemaPath(resource, operation))}:\n  ${problems.join('\n  ')}`,
		);
	}
	if (items.length) schemaChecked.add(`${SCHEMA_CHECK_PREFIX}${resource}.${operation}`);
}
