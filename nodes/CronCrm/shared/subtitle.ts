import type { ResourceSpec } from './operation';

/**
 * A table of display names as an expression literal. The editor evaluates a node's subtitle with
 * only the node's parameters at hand, not its description, so the names travel in the expression,
 * taken from the same data as the dropdowns.
 */
function nameTable(names: Record<string, string>): string {
	const literal = JSON.stringify(names);
	// n8n cuts an expression at the first "}}"; a flat table of names never has one.
	if (literal.includes('{{') || literal.includes('}}')) throw new Error('name table breaks {{ }}');
	return `(${literal})`;
}

/**
 * The action node's subtitle, "Send Text: Message" (operation: resource, as n8n's own nodes say
 * it). A value it does not know (an older or newer node version) shows as the raw values.
 */
export function operationSubtitle(resources: ResourceSpec[]): string {
	const names: Record<string, string> = {};
	for (const resource of resources)
		for (const operation of resource.operations)
			names[`${resource.value}:${operation.value}`] = `${operation.name}: ${resource.name}`;
	return `={{ ${nameTable(names)}[$parameter["resource"] + ":" + $parameter["operation"]] || $parameter["operation"] + ": " + $parameter["resource"] }}`;
}

/**
 * The trigger's subtitle: its events' names, "Message Received, Message Status Changed". Each hook
 * name is replaced in the joined list: n8n 1.x's expression engine refuses a function (`map`).
 */
export function eventsSubtitle(events: Array<{ hook: string; name: string }>): string {
	const replaces = events
		.map((event) => `.replace(/\\b${event.hook}\\b/g, ${JSON.stringify(event.name)})`)
		.join('');
	return `={{ ($parameter["events"] || []).join(", ")${replaces} }}`;
}
