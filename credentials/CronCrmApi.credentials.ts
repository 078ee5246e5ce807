import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class CronCrmApi implements ICredentialType {
	name = 'cronCrmApi';

	displayName = 'CRONCRM API';

	icon: Icon = {
		light: 'file:../icons/croncrm.svg',
		dark: 'file:../icons/croncrm.dark.svg',
	};

	// The README's section on the key (shown on npm's page for the package).
	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-croncrm#getting-an-api-key';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key of your CRONCRM account. It is sent as the apiKey header.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://croncrm.com/api/v2',
			description:
				'Root of the CRONCRM API. Point it at a local CRONCRM sandbox to try workflows without messaging real people.',
		},
		{
			displayName: 'Default Country Code',
			name: 'defaultCountryCode',
			type: 'string',
			default: '55',
			placeholder: '55',
			description:
				'Added to phone numbers typed without one: a number of 10 or 11 digits (area code and number, e.g. (21) 98824-8085) becomes +55 21 98824-8085. 55 is Brazil. Numbers starting with + or 00 are left as typed. Leave empty to send every number as typed.',
		},
		{
			displayName: 'Requests per Window',
			name: 'requestsPerWindow',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description:
				'How many requests CRONCRM allows with this key per window: 50 per 10 seconds. Clients that go over are blocked.',
		},
		{
			displayName: 'Window (Seconds)',
			name: 'windowSeconds',
			type: 'number',
			typeOptions: { minValue: 0.1, numberPrecision: 2 },
			default: 10,
			description: 'Length of the sliding window the request allowance applies to',
		},
		{
			displayName: 'n8n Processes Sending With This Key',
			name: 'sendingProcesses',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1,
			description:
				'How many n8n processes send requests with this key: in queue mode, the workers plus the main and webhook processes that run CRONCRM nodes. Each process keeps to its share of the allowance (Requests per Window divided by this number), so together they stay under the limit.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				apiKey: '={{$credentials.apiKey}}',
			},
		},
	};

	/**
	 * auth/status answers with the WhatsApp connection's status (CONNECTED, DISCONNECTED…) to any
	 * valid key: that status is what tells a valid key, whatever the connection's state and
	 * whatever "success" says. A refused key (401) or a wrong Base URL gets no status. n8n's
	 * editor shows a fixed "Connection tested successfully" for any pass, so the connection's
	 * state is read with Connection → Get Status.
	 */
	test: ICredentialTestRequest = {
		request: {
			// Same fallback as the nodes' transport when the Base URL is left empty.
			baseURL: '={{($credentials.baseUrl || "https://croncrm.com/api/v2").replace(/\\/+$/, "")}}',
			url: '/auth/status',
			method: 'GET',
			// The reply's body decides, not its HTTP status: a disconnected WhatsApp must not fail.
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: undefined,
					message:
						'CRONCRM did not accept this API key: auth/status answered without a WhatsApp connection status. Check the API key and the Base URL.',
				},
			},
		],
	};
}
