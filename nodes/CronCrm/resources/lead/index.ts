import { accessToken, chatId, sendAsUser, str } from '../../shared/fields';
import type { FieldSpec } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';
import { caseless, digitsOnly } from '../../shared/upsert';

const fullName = (required = false) =>
	str('fullName', 'Full Name', 'full_name', { required, description: "The client's full name" });

const phone = (name: string, displayName: string, apiName: string): FieldSpec => ({
	name,
	displayName,
	apiName,
	kind: 'phone',
	description: 'Phone number with country and area code, in any formatting',
});

const email = (name: string, displayName: string, apiName: string, description?: string) =>
	str(name, displayName, apiName, { placeholder: 'name@email.com', description });

/**
 * Everything a lead ("cliente") holds beside its name, in the collection's order; the same in
 * Create and Update. The collection describes none of these fields: the descriptions explain
 * the Brazilian ones.
 */
const leadDetails: FieldSpec[] = [
	str('cpf', 'CPF', 'cpf', {
		description: 'CPF: the Brazilian individual taxpayer number (Cadastro de Pessoas Físicas)',
	}),
	{
		name: 'birthdate',
		displayName: 'Birthdate',
		apiName: 'birthdate',
		kind: 'date',
		description: 'Sent as YYYY-MM-DD',
	},
	phone('phone', 'Phone', 'phone'),
	email('email', 'Email', 'email'),
	phone('phone1', 'Phone 2', 'phone1'),
	phone('phone2', 'Phone 3', 'phone2'),
	email('email1', 'Email 2', 'email1'),
	email('email2', 'Email 3', 'email2'),
	str('socialName', 'Company Name', 'social_name', {
		description: 'The company\'s registered name ("razão social")',
	}),
	str('cnpj', 'CNPJ', 'cnpj', {
		description:
			'CNPJ: the Brazilian company registration number (Cadastro Nacional da Pessoa Jurídica)',
	}),
	email('businessEmail', 'Business Email', 'business_email'),
	chatId({
		required: false,
		description:
			'WhatsApp chat of the client: phone number (any formatting) or WhatsApp ID (chat_wid)',
	}),
	sendAsUser({
		displayName: 'User',
		description: 'CRONCRM user (account_access_token) responsible for the client',
	}),
	str('observations', 'Observations', 'observations', {
		kind: 'text',
		description: 'Notes about the client',
	}),
	str('cep', 'CEP', 'cep', { description: 'CEP: the Brazilian postal code, e.g. 01310-100' }),
	str('address', 'Address', 'address', { description: 'Street of the address' }),
	str('number', 'Address Number', 'number', { description: 'House or building number' }),
	str('neighborhood', 'Neighborhood', 'neighborhood', { description: 'Neighborhood ("bairro")' }),
	str('completion', 'Address Complement', 'completion', {
		description: 'Address complement ("complemento"): apartment, suite, block',
	}),
	str('cityIbge', 'City IBGE Code', 'city_ibge', {
		description:
			"The city's 7-digit IBGE code (Brazil's official city code), e.g. 3550308 for São Paulo",
	}),
];

const date = (
	name: string,
	displayName: string,
	apiName: string,
	description: string,
): FieldSpec => ({
	name,
	displayName,
	apiName,
	kind: 'date',
	description,
});

/** Leads ("clientes"): the CRM's client records, with Brazilian personal and company data. */
export const leadResource: ResourceSpec = {
	value: 'lead',
	name: 'Lead',
	description: 'Clients ("clientes") in the CRM, with contact, tax and address data',
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a lead',
			description:
				'Create a lead ("cliente", a customer record): name, CPF, CNPJ, phones, emails, company, address, linked chat and responsible user. Needs the full name. Returns the lead with its access_token (leads/create).',
			method: 'POST',
			path: '/leads/create',
			// The collection marks nothing required; a client without a name is useless, and the
			// saved example fills only full_name.
			fields: [fullName(true)],
			optional: leadDetails,
		},
		{
			value: 'createOrUpdate',
			name: 'Create or Update',
			action: 'Create or update a lead',
			description:
				'Update the lead with the same phone, email or CPF/CNPJ (you pick which), or create it when there is none: a form sent twice gives one lead. Needs the full name and the key. Returns the lead and upsertAction, created or updated (leads/find, then leads/change or leads/create).',
			method: 'POST',
			path: '/leads/create',
			fields: [fullName(true)],
			optional: leadDetails,
			upsert: {
				record: 'lead',
				findPath: '/leads/find',
				records: 'leads',
				updatePath: '/leads/change',
				keys: [
					{
						value: 'phone',
						name: 'Phone',
						fields: ['phone'],
						query: 'phone',
						// leads/find's phone looks in all three phones.
						recordFields: ['phone', 'phone1', 'phone2'],
						normalize: digitsOnly,
					},
					{
						value: 'email',
						name: 'Email',
						fields: ['email'],
						query: 'email',
						// leads/find's email "equals or resembles": only an equal one matches.
						recordFields: ['email'],
						normalize: caseless,
					},
					{
						value: 'cpfCnpj',
						name: 'CPF or CNPJ',
						fields: ['cpf', 'cnpj'],
						query: 'cpf_cnpj',
						recordFields: ['cpf', 'cnpj'],
						normalize: digitsOnly,
					},
				],
			},
		},
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many leads',
			description:
				'Search leads by name, email, CPF or CNPJ, phone, chat or creation dates. Returns one item per lead (leads/find).',
			method: 'GET',
			path: '/leads/find',
			pagedRecords: 'leads',
			optional: [
				str('name', 'Name', 'name', { description: 'Clients whose name equals or resembles this' }),
				email('email', 'Email', 'email', 'Clients whose email equals or resembles this'),
				str('cpfCnpj', 'CPF or CNPJ', 'cpf_cnpj', {
					description:
						'Clients with exactly this CPF (individual taxpayer number) or CNPJ (company registration number)',
				}),
				{
					...phone('phone', 'Phone', 'phone'),
					description: 'Clients with exactly this phone number',
				},
				chatId({ required: false, description: 'Clients linked to this WhatsApp chat (chat_wid)' }),
				date('dateFrom', 'Created From', 'date_from', 'Clients created on or after this date'),
				date('dateTo', 'Created Until', 'date_to', 'Clients created up to this date'),
				accessToken('Lead', {
					required: false,
					description: 'Return only the client with this access_token',
				}),
			],
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a lead',
			description:
				"Change a lead's data; only the fields given change. Needs the lead's access_token. Returns the updated lead (leads/change).",
			method: 'PUT',
			path: '/leads/change',
			fields: [accessToken('Lead')],
			optional: [fullName(), ...leadDetails],
		},
		{
			value: 'delete',
			name: 'Delete',
			action: 'Delete a lead',
			description:
				"Delete a lead. Needs the lead's access_token. Returns CRONCRM's confirmation (leads/delete).",
			method: 'DELETE',
			path: '/leads/delete',
			fields: [accessToken('Lead')],
		},
	],
};
