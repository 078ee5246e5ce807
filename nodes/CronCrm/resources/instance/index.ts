import { accessToken, locator, str } from '../../shared/fields';
import type { FieldSpec } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';
import { webhookSlotFields } from '../../shared/webhookSlots';

/** The instance an operation works on, picked from the list or given by its access_token. */
const instance = (): FieldSpec =>
	locator('instance', 'access_token', {
		description: 'The instance, from the list or by its access_token',
	});

const name = (overrides: Partial<FieldSpec> = {}) =>
	str('name', 'Name', 'name', { description: 'Name of the instance', ...overrides });

/**
 * Instances ("instâncias") are the WhatsApp numbers connected to the CRONCRM account, each with
 * its own seven webhook URLs. The CRONCRM Trigger sets those URLs itself; these operations are
 * for managing instances by hand.
 */
/** The seven webhook URL fields, shared by Create and Update (set and clear). */
const slotFields = webhookSlotFields();

export const instanceResource: ResourceSpec = {
	value: 'instance',
	name: 'Instance',
	description: 'WhatsApp numbers ("instâncias") of the account and their webhook URLs',
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create an instance',
			description:
				'Create an instance (one WhatsApp number) if the plan has room; optionally set its webhook URLs. Needs the name. Returns the instance with its access_token and webhook URLs (instances/create).',
			method: 'POST',
			path: '/instances/create',
			fields: [name({ required: true })],
			optional: slotFields,
		},
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many instances',
			description:
				"List instances (the account's WhatsApp numbers), optionally by name or access_token. Returns one item per instance with its number and webhook URLs (instances/find).",
			method: 'GET',
			path: '/instances/find',
			pagedRecords: 'instances',
			optional: [
				name({ description: 'Instances whose name equals or resembles this' }),
				accessToken('Instance', {
					required: false,
					description: 'Return only the instance with this access_token',
				}),
			],
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update an instance',
			description:
				'Rename an instance or change its webhook URLs; URLs left out keep their value, those chosen in Clear Fields are emptied. Needs the instance. Returns the updated instance (instances/change).',
			method: 'PUT',
			path: '/instances/change',
			fields: [instance()],
			optional: [name(), ...slotFields],
			clearable: slotFields,
		},
		{
			value: 'delete',
			name: 'Delete',
			action: 'Delete an instance',
			description:
				"Delete an instance and everything linked to it: its chats and messages are lost. Needs the instance. Returns CRONCRM's confirmation (instances/delete).",
			method: 'DELETE',
			path: '/instances/delete',
			fields: [instance()],
		},
	],
};
