import type {
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { executeOperation } from './execute';
import type { FieldSpec } from './fields';
import { toProperty } from './fields';
import { prepareRequest } from './prepare';

/** One CRONCRM endpoint, described once; the builders below turn it into n8n's UI and routing. */
export interface OperationSpec {
	/** Operation value in n8n (camelCase). */
	value: string;
	/** Name in the Operation dropdown, in n8n's style ("Send Text", "Get Many"). */
	name: string;
	/** Sentence for n8n's actions list ("Send a text message"). */
	action: string;
	/** What the endpoint does, with the API's own terms explained. */
	description: string;
	method: IHttpRequestMethods;
	/** Path below the base URL, exactly as the collection spells it. */
	path: string;
	/** Fields shown on the node itself: usually the required ones. */
	fields?: FieldSpec[];
	/** Optional fields, in "Additional Fields" (or "Filters" for searches). Only those the user adds are sent. */
	optional?: FieldSpec[];
	/** The search answers page by page with its records under this property. */
	pagedRecords?: string;
	/** Offers "Deliver Immediately", which sends the toTransmit: true header. */
	deliverImmediately?: boolean;
	/** Offers to download the file the reply points to into a binary property. */
	download?: DownloadSpec;
	/**
	 * Optional fields the user may explicitly empty (sent as ""). Empty fields are otherwise
	 * never sent, so clearing needs its own choice, e.g. emptying an instance's webhook slot.
	 */
	clearable?: FieldSpec[];
	/**
	 * A send to a chat: offers "Check WhatsApp First", which asks tools/have-whatsapp about the
	 * chat's number and sends to the chat id it answers (shared/whatsappCheck.ts).
	 */
	whatsappCheck?: boolean;
	/**
	 * A rule between fields, checked after each field's own: returns what is wrong with the
	 * request, named in the user's terms, or undefined.
	 */
	validate?: (request: IDataObject) => string | undefined;
	/**
	 * Replies that can report success while part of the work failed: returns those parts, each
	 * said in a sentence. They go into the item's `partialFailures`, or fail the item when the
	 * user chooses "Fail on Partial Failure".
	 */
	partialFailures?: (reply: IDataObject) => string[];
	/** The collection warns the endpoint can be slow: it gets the transport's long timeout. */
	slow?: boolean;
	/**
	 * Parameters that are not API fields (e.g. Send and Wait's response settings), shown after
	 * the operation's other parameters.
	 */
	extraProperties?: INodeProperties[];
	/**
	 * Runs the operation as an n8n custom operation instead of declarative routing, for what
	 * routing cannot do (waiting for a reply). The node lists it in `customOperations`.
	 */
	custom?: CustomOperation;
	/**
	 * Create or Update: before creating, the record is looked for by the key the user picks
	 * (Match By); one match is updated instead, several stop the item (shared/upsert.ts).
	 */
	upsert?: UpsertSpec;
	/**
	 * A send that offers "Skip If Already Sent": whether a message CRONCRM holds (a messages/find
	 * record's `message`) carries the same content as this request (shared/alreadySent.ts).
	 */
	alreadySent?: SameContent;
}

/** Whether a sent message (as messages/find shows it) carries the content of a send's request. */
export type SameContent = (request: IDataObject, message: IDataObject) => boolean;

/** How Create or Update finds the record it would otherwise duplicate. */
export interface UpsertSpec {
	/** The record's name in messages, e.g. "lead". */
	record: string;
	/** The search (GET) that finds candidates, and where its reply lists them. */
	findPath: string;
	records: string;
	/** The update (PUT); it gets the create's fields plus the match's access_token. */
	updatePath: string;
	keys: MatchKey[];
}

/** One way to match an existing record, e.g. by phone. */
export interface MatchKey {
	/** Match By's option value and name. */
	value: string;
	name: string;
	/** The request fields holding the key (the first one given is used), by API name. */
	fields: string[];
	/** The search's parameter for the key. */
	query: string;
	/** Search parameters that narrow the search, copied from the request (e.g. the contact's list). */
	scope?: Array<{ field: string; query: string; recordPath: string }>;
	/** The record's fields compared with the key: any equal one matches. */
	recordFields: string[];
	/** How a key and a record's field are compared (the search may be fuzzy or partial). */
	normalize: (value: string) => string;
}

export interface CustomOperation {
	run: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;
	/** Why an n8n without custom operations cannot run it, and from which version it can. */
	requires: string;
	/**
	 * Set when the operation is resumed through the node's webhook: why it cannot run on an n8n
	 * where the node has none (see `webhook` in CronCrm.node.ts).
	 */
	withoutWebhook?: string;
	/** What the README's operations table says of it (Send and Wait's note by default). */
	note?: string;
}

export interface DownloadSpec {
	/** Path of the file's URL in the reply, e.g. `url` or `picture.imgFull`. */
	urlPath: string;
	fileNamePath?: string;
	mimeTypePath?: string;
}

export interface ResourceSpec {
	value: string;
	name: string;
	description?: string;
	operations: OperationSpec[];
}

export function locationOf(method: IHttpRequestMethods): 'body' | 'query' {
	return method === 'GET' ? 'query' : 'body';
}

function show(resource: string, operation: string) {
	return { show: { resource: [resource], operation: [operation] } };
}

type PreSend = (
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
) => Promise<IHttpRequestOptions>;

/**
 * n8n's routing wraps whatever a preSend throws in an API error ("From CRONCRM", "Error code:
 * none") unless it is one already. A check that stops the item before anything is sent is not
 * CRONCRM's answer, so it leaves as an API error without a code or a reply: the editor then
 * shows just its message and description, as this node's own validation error. CRONCRM's real
 * answers (a failed WhatsApp check request) pass untouched.
 */
function asValidation(preSend: PreSend): PreSend {
	return async function (this: IExecuteSingleFunctions, requestOptions) {
		try {
			return await preSend.call(this, requestOptions);
		} catch (error) {
			const stopped = error as NodeApiError | NodeOperationError;
			// Already CRONCRM's answer (the WhatsApp check's request): as it is.
			if (stopped instanceof NodeApiError) throw stopped;
			throw new NodeApiError(
				this.getNode(),
				{},
				{
					message: stopped.message,
					description: stopped.description ?? undefined,
					itemIndex: this.getItemIndex(),
				},
			);
		}
	};
}

/**
 * Routing of a custom operation. n8n versions that know `customOperations` never use it; older
 * ones route the operation declaratively, and this stops the item before anything is sent.
 */
function refuseWithoutCustomOperations(spec: OperationSpec, custom: CustomOperation) {
	return async function (this: IExecuteSingleFunctions): Promise<IHttpRequestOptions> {
		throw new NodeOperationError(
			this.getNode(),
			`"${spec.name}" needs a newer n8n: ${custom.requires}`,
			{
				itemIndex: this.getItemIndex(),
				description:
					'Nothing was sent. Update n8n to use this operation; every other operation of this node works on this version.',
			},
		);
	};
}

/** The operation's entry in the Operation dropdown, with its request routing. */
function operationOption(spec: OperationSpec): INodePropertyOptions {
	const request = { method: spec.method, url: spec.path };
	const routing: INodePropertyOptions['routing'] = spec.custom
		? {
				request,
				send: { preSend: [asValidation(refuseWithoutCustomOperations(spec, spec.custom))] },
			}
		: {
				request,
				send: {
					// Every request of this node runs through the transport (limiter, retries, paging),
					// which n8n's routing calls through its pagination hook.
					paginate: true,
					preSend: [asValidation(prepareRequest(spec))],
				},
				operations: { pagination: executeOperation(spec) },
			};
	return {
		name: spec.name,
		value: spec.value,
		action: spec.action,
		description: spec.description,
		routing,
	};
}

/** The parameters an operation shows, in the order users fill them. */
function operationProperties(resource: string, spec: OperationSpec): INodeProperties[] {
	const location = locationOf(spec.method);
	const displayOptions = show(resource, spec.value);
	const properties: INodeProperties[] = (spec.fields ?? []).map((field) => ({
		...toProperty(field, location),
		displayOptions,
	}));

	if (spec.deliverImmediately) {
		properties.push({
			displayName: 'Deliver Immediately',
			name: 'deliverImmediately',
			type: 'boolean',
			default: false,
			displayOptions,
			description:
				"Whether to skip CRONCRM's delivery queue and send at once (the toTransmit: true header). Off, the message waits its turn under the account's messages-per-minute setting.",
		});
	}

	if (spec.whatsappCheck) {
		properties.push({
			displayName: 'Check WhatsApp First',
			name: 'checkWhatsapp',
			type: 'boolean',
			default: false,
			displayOptions,
			description:
				"Whether to ask CRONCRM first whether the chat's number has WhatsApp (tools/have-whatsapp) and send to the chat ID it answers, which covers Brazil's ninth digit and Meta's private @lid/@jid IDs. A number without WhatsApp fails its item and nothing is sent. Costs one request per distinct number per execution.",
		});
	}

	if (spec.upsert) {
		const keys = spec.upsert.keys;
		const matchBy: INodeProperties = {
			displayName: 'Match By',
			name: 'matchBy',
			type: 'options',
			noDataExpression: true,
			default: '',
			displayOptions,
			options: keys.map((key) => ({
				name: key.name,
				value: key.value,
				description: `An existing ${spec.upsert!.record} with the same ${key.name.toLowerCase()} is updated; the field must be given`,
			})),
			description: `How to find the ${spec.upsert.record} to update instead of creating a second one`,
		};
		// Set here rather than in the literal above: n8n's lint wants a literal default there.
		matchBy.default = keys[0].value;
		properties.unshift(matchBy);
	}

	if (spec.alreadySent) {
		properties.push(
			{
				displayName: 'Skip If Already Sent',
				name: 'skipIfAlreadySent',
				type: 'boolean',
				default: false,
				displayOptions,
				description:
					"Whether to skip the item when this chat already got the same content within the window, so a retried or re-run campaign never messages a contact twice. Reads the chat's sent messages first (messages/find): one extra request per chat per execution. Queued messages count; cancelled and failed ones do not.",
			},
			{
				displayName: 'Window (Hours)',
				name: 'skipWindowHours',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 24,
				displayOptions: { show: { ...displayOptions.show, skipIfAlreadySent: [true] } },
				description: 'How far back to look for the same message, in hours',
			},
		);
	}

	if (spec.partialFailures) {
		properties.push({
			displayName: 'Fail on Partial Failure',
			name: 'failOnPartialFailure',
			type: 'boolean',
			default: false,
			displayOptions,
			description:
				'Whether to fail the item when CRONCRM reports that part of the request did not work. Off, the item succeeds and lists those parts in partialFailures.',
		});
	}

	if (spec.pagedRecords) {
		properties.push(
			{
				displayName: 'Return All',
				name: 'returnAll',
				type: 'boolean',
				default: false,
				displayOptions,
				description: 'Whether to return all results or only up to a given limit',
			},
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 50,
				displayOptions: {
					show: { ...displayOptions.show, returnAll: [false] },
				},
				description: 'Max number of results to return',
			},
		);
	}

	if (spec.optional?.length) {
		const isSearch = spec.method === 'GET';
		properties.push({
			displayName: isSearch ? 'Filters' : 'Additional Fields',
			name: isSearch ? 'filters' : 'additionalFields',
			type: 'collection',
			placeholder: isSearch ? 'Add Filter' : 'Add Field',
			default: {},
			displayOptions,
			options: spec.optional.map((field) => toProperty({ ...field, required: false }, location)),
		});
	}

	if (spec.clearable?.length) {
		properties.push({
			displayName: 'Clear Fields',
			name: 'clearFields',
			type: 'multiOptions',
			default: [],
			displayOptions,
			options: spec.clearable.map((field) => ({ name: field.displayName, value: field.apiName })),
			description: 'Fields to empty in CRONCRM (sent as an empty value)',
		});
	}

	if (spec.download) {
		properties.push(
			{
				displayName: 'Download File',
				name: 'download',
				type: 'boolean',
				default: false,
				displayOptions,
				description: 'Whether to download the file into a binary property as well',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				displayOptions: { show: { ...displayOptions.show, download: [true] } },
				hint: 'The name of the output binary field to put the file in',
			},
		);
	}
	for (const property of spec.extraProperties ?? []) {
		properties.push({ ...property, displayOptions: mergeShow(displayOptions, property) });
	}
	return properties;
}

/** The operation's own condition combined with a parameter's (e.g. "only for Approval"). */
function mergeShow(
	operation: { show: Record<string, string[]> },
	property: INodeProperties,
): INodeProperties['displayOptions'] {
	return {
		...property.displayOptions,
		show: { ...property.displayOptions?.show, ...operation.show },
	};
}

type CustomRun = (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

/**
 * The custom operations of a node, as n8n's `customOperations` wants them. Those that need the
 * node's webhook (to be resumed) refuse before doing anything when `hasWebhook()` says the
 * running n8n gave the node none.
 */
export function customOperationsOf(
	resources: ResourceSpec[],
	hasWebhook: () => boolean,
): Record<string, Record<string, CustomRun>> {
	const result: Record<string, Record<string, CustomRun>> = {};
	for (const resource of resources) {
		for (const operation of resource.operations) {
			const custom = operation.custom;
			if (!custom) continue;
			result[resource.value] ??= {};
			result[resource.value][operation.value] = custom.withoutWebhook
				? async function (this: IExecuteFunctions) {
						if (!hasWebhook()) {
							throw new NodeOperationError(
								this.getNode(),
								`"${operation.name}" needs a newer n8n: ${custom.withoutWebhook}`,
								{
									itemIndex: 0,
									description:
										'Nothing was sent. Update n8n to use this operation; every other operation of this node works on this version.',
								},
							);
						}
						return await custom.run.call(this);
					}
				: custom.run;
		}
	}
	return result;
}

/** The Resource dropdown, alphabetical, as n8n lists resources. */
export function resourceDropdown(resources: ResourceSpec[]): INodeProperties {
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources
			.map((resource) => ({
				name: resource.name,
				value: resource.value,
				description: resource.description,
			}))
			.sort((a, b) => a.name.localeCompare(b.name)),
		default: 'message',
	};
}

/** The Operation dropdown of one resource and all of its operations' parameters. */
export function resourceProperties(resource: ResourceSpec): INodeProperties[] {
	const operationDropdown: INodeProperties = {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource.value] } },
		// Alphabetical, as n8n lists operations everywhere else.
		options: resource.operations.map(operationOption).sort((a, b) => a.name.localeCompare(b.name)),
		default: '',
	};
	// Set here rather than in the literal above: n8n's lint wants a literal default there.
	operationDropdown.default = resource.operations[0].value;
	return [
		operationDropdown,
		...resource.operations.flatMap((operation) => operationProperties(resource.value, operation)),
	];
}
