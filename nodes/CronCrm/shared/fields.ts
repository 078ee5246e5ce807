import type {
	INodeProperties,
	INodePropertyModeTypeOptions,
	INodePropertyOptions,
	NodeParameterValueType,
} from 'n8n-workflow';

/**
 * What a field holds decides its widget in the editor and how its value is checked and
 * converted before anything is sent (see `shared/prepare.ts`).
 */
export type FieldKind =
	| 'string'
	| 'text' // multi-line string
	| 'wid' // a chat: phone number in any formatting, or a WhatsApp id
	| 'widList' // several chats, separated by commas, semicolons or new lines
	| 'phone' // digits only
	| 'phoneList'
	| 'url'
	| 'color'
	| 'date'
	| 'number'
	| 'boolean'
	| 'options'
	| 'locator'; // a searchable dropdown of CRONCRM records, with an ID mode

/** The CRONCRM records that have searchable dropdowns; each has a listSearch method. */
export type LocatorTarget =
	| 'instance'
	| 'tag'
	| 'list'
	| 'funnel'
	| 'funnelStep'
	| 'user'
	| 'group';

export type WidKind = 'c.us' | 'g.us' | 'lid' | 'jid';

/** A person: a phone number (c.us) or one of Meta's private ids for a person (lid, jid). */
export const PERSON_WID_KINDS: WidKind[] = ['c.us', 'lid', 'jid'];

export interface FieldSpec {
	/** Parameter name in n8n (camelCase). */
	name: string;
	displayName: string;
	/** Field name in the CRONCRM API, exactly as the Postman collection spells it. */
	apiName: string;
	kind: FieldKind;
	required?: boolean;
	description?: string;
	placeholder?: string;
	default?: NodeParameterValueType;
	options?: INodePropertyOptions[];
	locator?: LocatorTarget;
	/** How a boolean travels: JSON true/false (default) or the strings "true"/"false". */
	booleanAs?: 'json' | 'string';
	/** Separator used to join list kinds (widList, phoneList). */
	separator?: string;
	/** For WhatsApp ids: the kinds accepted, e.g. only groups (g.us) or only people (c.us, lid, jid). */
	widKinds?: WidKind[];
	/** For phone kinds: a person's WhatsApp id (…@c.us) is accepted too and sent as typed. */
	acceptsChatId?: boolean;
	/**
	 * More API names that get the same value. Where the collection spells a field two ways and
	 * no source settles which one the live API reads, both are sent (see the operation's comment).
	 */
	alsoSentAs?: string[];
	/** Numbers outside this range are refused (e.g. latitude -90..90). The value is sent as a number. */
	range?: [number, number];
	/**
	 * Shown only to help fill another field and never sent, e.g. the Funnel whose steps the
	 * Funnel Step dropdown lists (see chosenFunnel in methods/listSearch.ts).
	 */
	uiOnly?: boolean;
}

const LOCATORS: Record<LocatorTarget, { method: string; label: string; example: string }> = {
	instance: {
		method: 'searchInstances',
		label: 'Instance',
		example: '2025nj1I5B1cL5x2...',
	},
	tag: { method: 'searchTags', label: 'Tag', example: '2025ZFcK6t2488TR...' },
	list: {
		method: 'searchLists',
		label: 'Contact List',
		example: '2025PJC8QT3urCoB...',
	},
	funnel: {
		method: 'searchFunnels',
		label: 'Funnel',
		example: '2025tAKpr4n4g0dB...',
	},
	funnelStep: {
		method: 'searchFunnelSteps',
		label: 'Funnel Step',
		example: '2025sPtF97Pqec73...',
	},
	user: {
		method: 'searchUsers',
		label: 'User',
		example: '2025gYS6ks4UwyhM...',
	},
	group: {
		method: 'searchGroups',
		label: 'Group',
		example: '120363012345678901@g.us',
	},
};

/** The n8n parameter for one field, with the routing that puts its value into the request. */
/** "an instance", "a tag": the placeholder of a dropdown reads as English. */
function withArticle(noun: string): string {
	return `${/^(?:[aeio]|u(?!s))/.test(noun) ? 'an' : 'a'} ${noun}`;
}

export function toProperty(spec: FieldSpec, location: 'body' | 'query'): INodeProperties {
	const property: INodeProperties = {
		displayName: spec.displayName,
		name: spec.name,
		type: 'string',
		default: '',
		required: spec.required,
		description: spec.description,
		placeholder: spec.placeholder,
		routing: {
			send: {
				type: location,
				property: spec.apiName,
				propertyInDotNotation: false,
			},
		},
	};
	if (spec.default !== undefined) property.default = spec.default;
	switch (spec.kind) {
		case 'text':
			property.typeOptions = { rows: 4 };
			break;
		case 'wid':
			property.placeholder ??= '+55 (21) 98824-8085 or 5521988248085@c.us';
			break;
		case 'widList':
		case 'phoneList':
			property.placeholder ??= '5521988248085, 5521977776666';
			break;
		case 'phone':
			property.placeholder ??= '+55 21 98824-8085';
			break;
		case 'url':
			property.placeholder ??= 'https://example.com/file.pdf';
			break;
		case 'color':
			property.type = 'color';
			property.default = spec.default ?? '#28CC56';
			break;
		case 'date':
			property.type = 'dateTime';
			break;
		case 'number':
			property.type = 'number';
			property.default = spec.default ?? 0;
			break;
		case 'boolean':
			property.type = 'boolean';
			property.default = spec.default ?? false;
			if (spec.booleanAs === 'string') {
				property.routing!.send!.value = '={{ $value ? "true" : "false" }}';
			}
			break;
		case 'options':
			property.type = 'options';
			property.options = spec.options;
			property.default = spec.default ?? spec.options?.[0]?.value ?? '';
			break;
		case 'locator': {
			const target = LOCATORS[spec.locator!];
			property.type = 'resourceLocator';
			property.default = { mode: 'list', value: '' };
			property.placeholder = undefined;
			Object.assign(property, {
				modes: [
					{
						displayName: `From List`,
						name: 'list',
						type: 'list',
						placeholder: `Select ${withArticle(target.label.toLowerCase())}...`,
						typeOptions: {
							searchListMethod: target.method,
							searchable: true,
						} as INodePropertyModeTypeOptions,
					},
					{
						displayName: spec.locator === 'group' ? 'By ID' : 'By Access Token',
						name: 'id',
						type: 'string',
						placeholder: target.example,
					},
				],
			});
			break;
		}
	}
	if (spec.uiOnly) delete property.routing;
	return property;
}

/* ----------------------------------------------------------------------------------------
 * Fields that recur across resources, built once here.
 * -------------------------------------------------------------------------------------- */

export function chatId(overrides: Partial<FieldSpec> = {}): FieldSpec {
	return {
		name: 'chatId',
		displayName: 'Chat',
		apiName: 'chat_wid',
		kind: 'wid',
		required: true,
		default: '',
		description:
			"Phone number in any formatting, or WhatsApp ID of the chat (CRONCRM's chat_wid). A number typed with its area code but without a country code gets the credentials' Default Country Code. Groups end in @g.us.",
		...overrides,
	};
}

export function groupId(overrides: Partial<FieldSpec> = {}): FieldSpec {
	return {
		name: 'groupId',
		displayName: 'Group',
		apiName: 'chat_wid',
		kind: 'locator',
		locator: 'group',
		required: true,
		default: '',
		widKinds: ['g.us'],
		description: 'The group, by name from the list or by its WhatsApp ID (ending in @g.us)',
		...overrides,
	};
}

/** `account_access_token`: the CRONCRM user the sent messages are attributed to. */
export function sendAsUser(overrides: Partial<FieldSpec> = {}): FieldSpec {
	return {
		name: 'user',
		displayName: 'Send as User',
		apiName: 'account_access_token',
		kind: 'locator',
		locator: 'user',
		description:
			'CRONCRM user (account_access_token) the message is attributed to. This opens a service record: end it with Chat → Finish API Interaction.',
		...overrides,
	};
}

export function locator(
	target: LocatorTarget,
	apiName: string,
	overrides: Partial<FieldSpec> = {},
): FieldSpec {
	const label = LOCATORS[target].label;
	return {
		name: target,
		displayName: label,
		apiName,
		kind: 'locator',
		locator: target,
		required: true,
		...overrides,
	};
}

export function accessToken(record: string, overrides: Partial<FieldSpec> = {}): FieldSpec {
	return {
		name: 'accessToken',
		displayName: `${record} Access Token`,
		apiName: 'access_token',
		kind: 'string',
		required: true,
		description: `The access_token CRONCRM gave the ${record.toLowerCase()} (its ID)`,
		...overrides,
	};
}

export function str(
	name: string,
	displayName: string,
	apiName: string,
	overrides: Partial<FieldSpec> = {},
): FieldSpec {
	return { name, displayName, apiName, kind: 'string', ...overrides };
}

/** A yes/no choice the API takes as a pair of words, e.g. add/del or promote/demote. */
export function choice(
	name: string,
	displayName: string,
	apiName: string,
	options: Array<[string, string, string?]>,
	overrides: Partial<FieldSpec> = {},
): FieldSpec {
	return {
		name,
		displayName,
		apiName,
		kind: 'options',
		required: true,
		options: options.map(([label, value, description]) => ({
			name: label,
			value,
			description,
		})),
		...overrides,
	};
}
