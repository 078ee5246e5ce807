import { readFileSync } from 'fs';
import { join } from 'path';

import { RESOURCES } from '../nodes/CronCrm/resources';
import {
	committedSchemas,
	generateSchemas,
	type JsonSchema,
	TRIGGER_SCHEMA_DIR,
} from '../scripts/schemas';
import { runCronCrm } from './helpers/engine';
import { useSandbox } from './helpers/sandbox';
import { disagreements, operationSchema } from './helpers/schemas';
import { ALL_HOOKS, fire, useWebhookServer } from './helpers/trigger';
import { newInstance } from '../sandbox/handlers/instance';

const sandbox = useSandbox();
const server = useWebhookServer();

describe('Output schemas (scripts/schemas.ts)', () => {
	it('every operation has one, and nothing else is there', () => {
		const expected = RESOURCES.flatMap((resource) =>
			resource.operations.map(
				(op) => `nodes/CronCrm/__schema__/v1.0.0/${resource.value}/${op.value}.json`,
			),
		);
		// The 72 endpoints, Create or Update of leads and contacts, Send and Wait (a custom operation:
		// its output is the answer) and Wait for Burst to End (its output is the burst).
		expect(expected).toHaveLength(76);
		expect([...committedSchemas().keys()].sort()).toEqual(
			[...expected, 'nodes/CronCrmTrigger/__schema__/v1.0.0/output.json'].sort(),
		);
	});

	it('the committed files are what the script generates (run `npx tsx scripts/schemas.ts --write`)', () => {
		const generated = generateSchemas();
		const committed = committedSchemas();
		for (const [path, content] of generated)
			expect({ path, content }).toEqual({ path, content: committed.get(path) });
	});

	it("a search's schema is one record, with the collection's comments in English", () => {
		const schema = operationSchema('message', 'getMany');
		expect(schema.properties?.message?.properties?.message_ack?.description).toMatch(
			/^Delivery state/,
		);
		expect(schema.properties?.chat?.properties?.chat_wid).toEqual({ type: 'string' });
		expect(schema.properties).not.toHaveProperty('pages');
		expect(operationSchema('whatsappContact', 'getBlocked').properties).toEqual({
			wid: { type: 'string' },
		});
	});

	it('the check catches what users would trip on: a missing field, another type, a field the schema hides', async () => {
		await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'tag',
				operation: 'create',
				name: 'VIP',
				additionalFields: { color: '#28CC56' },
			},
		});
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'tag', operation: 'getMany', limit: 1 },
		});
		const record = result.items[0].json;
		const schema = operationSchema('tag', 'getMany');
		expect(disagreements(record, schema)).toEqual([]);
		const { name: _name, ...withoutName } = record;
		expect(disagreements(withoutName, schema)).toEqual(['$.name is missing']);
		expect(disagreements({ ...record, color: 40 }, schema)).toEqual([
			'$.color is number (40), the schema says string',
		]);
		expect(disagreements({ ...record, colour: '#fff' }, schema)).toEqual([
			'$.colour is not in the schema',
		]);
	});
});

describe("The trigger's output schema", () => {
	const schema = JSON.parse(
		readFileSync(join(TRIGGER_SCHEMA_DIR, 'output.json'), 'utf8'),
	) as JsonSchema;

	it('lists every hook the trigger can start on', () => {
		expect(schema.properties?.event?.enum).toEqual(ALL_HOOKS);
	});

	it("holds for what the trigger outputs for each of the sandbox's nine events", async () => {
		const instance = newInstance('Vendas', 1);
		sandbox.current.state.instances.push(instance);
		const trigger = server.current.addTrigger(sandbox.current, {
			parameters: {
				instance: { __rl: true, mode: 'id', value: instance.access_token },
				events: ALL_HOOKS,
				options: {},
			},
		});
		await trigger.activate();
		for (const hook of ALL_HOOKS) {
			const result = await fire(sandbox.current, 'Vendas', hook);
			expect({ hook, status: result.status }).toEqual({ hook, status: 200 });
		}
		expect(trigger.executions).toHaveLength(ALL_HOOKS.length);
		for (const execution of trigger.executions) {
			const [item] = execution.items;
			expect({ event: item.json.event, problems: disagreements(item.json, schema) }).toEqual({
				event: item.json.event,
				problems: [],
			});
		}
		await trigger.deactivate();
	});
});
