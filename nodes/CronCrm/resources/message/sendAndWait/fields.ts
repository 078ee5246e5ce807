import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_PAGE_LANGUAGE, PAGE_TEXTS } from './texts';

/**
 * Parameters of Message → Send and Wait for Response that are not CRONCRM fields: how the
 * contact answers and how long the execution waits. The names follow n8n's own Send and Wait
 * nodes (message, responseType, approvalOptions), so n8n's generated "Human review" tool
 * variant finds them.
 */

export type ResponseType = 'approval' | 'freeText' | 'customForm';

export interface ApprovalOptions {
	approvalType?: 'single' | 'double';
	approveLabel?: string;
	disapproveLabel?: string;
}

export interface FormFieldSpec {
	fieldLabel: string;
	fieldType: 'text' | 'textarea' | 'number' | 'email' | 'date' | 'dropdown';
	fieldOptions?: string;
	requiredField?: boolean;
}

export interface ResponseOptions {
	linkLabel?: string;
	formTitle?: string;
	formDescription?: string;
	buttonLabel?: string;
}

/** "Aprovar", "Approve" or "Aprobar": how a description names a label's default per language. */
function defaultsOf(text: 'approve' | 'decline' | 'respond' | 'submit'): string {
	return `Empty: "${PAGE_TEXTS['pt-BR'][text]}", "${PAGE_TEXTS.en[text]}" or "${PAGE_TEXTS.es[text]}", following Page Language`;
}

const forForms = { show: { responseType: ['freeText', 'customForm'] } };

export const sendAndWaitProperties: INodeProperties[] = [
	{
		displayName: 'Page Language',
		name: 'pageLanguage',
		type: 'options',
		default: DEFAULT_PAGE_LANGUAGE,
		options: [
			{ name: 'Português (Brasil)', value: 'pt-BR' },
			{ name: 'English', value: 'en' },
			{ name: 'Español', value: 'es' },
		],
		description:
			"Language of what the contact reads besides your own texts: the pages the links open, the default labels before the links in the message, and the form's messages. Labels you set stay as set.",
	},
	{
		displayName: 'Response Type',
		name: 'responseType',
		type: 'options',
		default: 'approval',
		options: [
			{
				name: 'Approval',
				value: 'approval',
				description: 'The contact opens a link to approve (or decline)',
			},
			{
				name: 'Free Text',
				value: 'freeText',
				description: 'The contact opens a link to a form with one text box',
			},
			{
				name: 'Custom Form',
				value: 'customForm',
				description: 'The contact opens a link to a form with the fields defined below',
			},
		],
	},
	{
		displayName: 'Approval Options',
		name: 'approvalOptions',
		type: 'fixedCollection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { responseType: ['approval'] } },
		options: [
			{
				displayName: 'Values',
				name: 'values',
				values: [
					{
						displayName: 'Type of Approval',
						name: 'approvalType',
						type: 'options',
						default: 'single',
						options: [
							{ name: 'Approve Only', value: 'single' },
							{ name: 'Approve and Disapprove', value: 'double' },
						],
					},
					{
						displayName: 'Approve Button Label',
						name: 'approveLabel',
						type: 'string',
						default: '',
						description: `Text before the approve link in the message, and on its button. ${defaultsOf('approve')}.`,
					},
					{
						displayName: 'Disapprove Button Label',
						name: 'disapproveLabel',
						type: 'string',
						default: '',
						displayOptions: { show: { approvalType: ['double'] } },
						description: `Text before the decline link in the message, and on its button. ${defaultsOf('decline')}.`,
					},
				],
			},
		],
	},
	{
		displayName: 'Form Fields',
		name: 'formFields',
		type: 'fixedCollection',
		placeholder: 'Add Form Field',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		displayOptions: { show: { responseType: ['customForm'] } },
		options: [
			{
				displayName: 'Values',
				name: 'values',
				values: [
					{
						displayName: 'Field Label',
						name: 'fieldLabel',
						type: 'string',
						default: '',
						placeholder: 'e.g. How many people?',
						required: true,
						description: 'Label shown above the field; the answer is output under this name',
					},
					{
						displayName: 'Field Type',
						name: 'fieldType',
						type: 'options',
						default: 'text',
						options: [
							{ name: 'Date', value: 'date' },
							{ name: 'Dropdown List', value: 'dropdown' },
							{ name: 'Email', value: 'email' },
							{ name: 'Number', value: 'number' },
							{ name: 'Text', value: 'text' },
							{ name: 'Textarea', value: 'textarea' },
						],
					},
					{
						displayName: 'Field Options',
						name: 'fieldOptions',
						type: 'string',
						default: '',
						placeholder: 'e.g. Morning, Afternoon, Evening',
						displayOptions: { show: { fieldType: ['dropdown'] } },
						description: 'The choices of the dropdown, separated by commas',
					},
					{
						displayName: 'Required Field',
						name: 'requiredField',
						type: 'boolean',
						default: false,
						description: 'Whether the form can only be sent with this field filled in',
					},
				],
			},
		],
	},
	{
		displayName: 'Limit Wait Time',
		name: 'limitWaitTime',
		type: 'boolean',
		default: false,
		description:
			'Whether the execution goes on without an answer after a while. Off, it waits until the contact answers.',
	},
	{
		displayName: 'Limit Type',
		name: 'limitType',
		type: 'options',
		default: 'afterTimeInterval',
		displayOptions: { show: { limitWaitTime: [true] } },
		options: [
			{ name: 'After Time Interval', value: 'afterTimeInterval' },
			{ name: 'At Specified Time', value: 'atSpecifiedTime' },
		],
	},
	{
		displayName: 'Amount',
		name: 'resumeAmount',
		type: 'number',
		default: 1,
		typeOptions: { minValue: 0, numberPrecision: 2 },
		displayOptions: { show: { limitWaitTime: [true], limitType: ['afterTimeInterval'] } },
		description: 'How long to wait for the answer',
	},
	{
		displayName: 'Unit',
		name: 'resumeUnit',
		type: 'options',
		default: 'hours',
		displayOptions: { show: { limitWaitTime: [true], limitType: ['afterTimeInterval'] } },
		options: [
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
	},
	{
		displayName: 'Max Date and Time',
		name: 'maxDateAndTime',
		type: 'dateTime',
		default: '',
		displayOptions: { show: { limitWaitTime: [true], limitType: ['atSpecifiedTime'] } },
		description: 'Go on without an answer at this date and time',
	},
	{
		displayName: 'Response Options',
		name: 'responseOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: forForms,
		options: [
			{
				displayName: 'Link Label',
				name: 'linkLabel',
				type: 'string',
				default: '',
				description: `Text before the form link in the message. ${defaultsOf('respond')}.`,
			},
			{
				displayName: 'Form Title',
				name: 'formTitle',
				type: 'string',
				default: '',
				description: 'Title of the form page; empty, the page has none',
			},
			{
				displayName: 'Form Description',
				name: 'formDescription',
				type: 'string',
				default: '',
				typeOptions: { rows: 2 },
				description: 'Text shown above the fields; empty, the message is shown',
			},
			{
				displayName: 'Button Label',
				name: 'buttonLabel',
				type: 'string',
				default: '',
				description: `Label of the form's send button. ${defaultsOf('submit')}.`,
			},
		],
	},
];
